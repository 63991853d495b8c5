// Precompiled validators (Ajv standalone, JSON Schema 2020-12): request params and bodies, JSON responses and the
// webhook payload of one spec. Compiling at build time keeps schema compilation out of users' start-up.
// (https://ajv.js.org/standalone.html; `npm run bench` measures what compiling at run time would cost.)
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import { deref, eachOperation, parametersOf } from "./specs.mjs";
import { ajvDiscriminator, discriminatorForAjv } from "./discriminator.mjs";

const ANNOTATIONS_ONLY = new Set(["example", "examples", "xml", "externalDocs"]);

/**
 * Drops OpenAPI-only keywords and x-* extensions, points component refs at the shared `components` schema and
 * turns a `discriminator` into the form Ajv compiles (see discriminator.mjs).
 */
function clean(node, spec) {
  if (Array.isArray(node)) return node.map((item) => clean(item, spec));
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS_ONLY.has(key) || key.startsWith("x-")) continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace("#/components/schemas/", "components#/$defs/");
    } else if (key === "discriminator") {
      out.discriminator = discriminatorForAjv(spec, node);
    } else if (key === "properties" || key === "patternProperties" || key === "$defs") {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, clean(schema, spec)]));
    } else {
      out[key] = clean(value, spec);
    }
  }
  return out;
}

/** Binary parts of a multipart body arrive as Blob/Buffer, which JSON Schema cannot describe: the runtime checks them. */
function withoutBinaryParts(spec, schema) {
  const resolved = deref(spec, schema);
  if (!resolved?.properties) return schema;
  const properties = {};
  for (const [name, prop] of Object.entries(resolved.properties)) {
    const p = deref(spec, prop);
    properties[name] = p.contentMediaType || p.format === "binary" ? {} : prop;
  }
  return { ...resolved, properties };
}

function paramsSchema(params) {
  const schema = { type: "object", properties: {}, required: [] };
  for (const location of ["path", "query", "header"]) {
    const here = params.filter((p) => p.in === location);
    if (!here.length) continue;
    schema.properties[location] = {
      type: "object",
      properties: Object.fromEntries(here.map((p) => [p.name, p.schema ?? {}])),
      required: here.filter((p) => p.required).map((p) => p.name),
      // Headers may carry anything else the caller adds; path and query accept only what the spec declares.
      additionalProperties: location === "header",
    };
    if (here.some((p) => p.required)) schema.required.push(location);
  }
  return schema;
}

function jsonSchemaOf(spec, content) {
  const entry = Object.entries(content ?? {}).find(([type]) => type.includes("json"));
  return entry ? entry[1].schema : undefined;
}

/**
 * The Ajv instance holding every validator schema of a spec (not compiled yet) and which schema serves which
 * operation. `standalone` adds what code generation needs; without it the same validators can be compiled at run
 * time (the benchmark does, to compare with the precompiled module).
 */
export function validatorSchemas(spec, { standalone = true } = {}) {
  const ajv = new Ajv2020({
    ...(standalone ? { code: { source: true, esm: true } } : {}),
    allErrors: true,
    discriminator: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
  });
  addFormats(ajv);
  ajv.removeKeyword("discriminator").addKeyword(ajvDiscriminator);
  ajv.addSchema({ $id: "components", $defs: clean(spec.components?.schemas ?? {}, spec) });

  const exportsByName = {};
  const table = {};
  // Many roots are the same schema (every operation's 401/429/5xx answer is the provider's error object): compile
  // each distinct schema once and export the other names as aliases. Ajv compiles every root into a function of its
  // own, referenced schemas inlined, so without this the Chatwork module was 0.8 MB instead of 0.34 MB.
  const nameOfSchema = new Map();
  const aliases = [];
  const add = (name, schema) => {
    const cleaned = clean(schema, spec);
    const key = JSON.stringify(cleaned);
    const same = nameOfSchema.get(key);
    if (same) {
      aliases.push(`export const ${name} = ${same};`);
      return same;
    }
    nameOfSchema.set(key, name);
    ajv.addSchema({ $id: name, ...cleaned });
    exportsByName[name] = name;
    return name;
  };

  for (const { method, item, operation } of eachOperation(spec)) {
    const id = operation.operationId;
    const entry = {
      params: add(`${id}_params`, paramsSchema(parametersOf(spec, item, operation))),
      body: null,
      responses: {},
    };
    const body = deref(spec, operation.requestBody);
    if (body) {
      const [contentType, media] = Object.entries(body.content)[0];
      const schema = contentType === "multipart/form-data" ? withoutBinaryParts(spec, media.schema) : media.schema;
      entry.body = add(`${id}_body`, schema ?? {});
    }
    for (const [status, ref] of Object.entries(operation.responses ?? {})) {
      const schema = jsonSchemaOf(spec, deref(spec, ref)?.content);
      if (schema) entry.responses[status] = add(`${id}_response_${status}`, schema);
    }
    table[id] = entry;
    void method;
  }
  const hasWebhooks = Boolean(spec.components?.schemas?.WebhookPayload);
  if (hasWebhooks) add("webhookPayload", { $ref: "#/components/schemas/WebhookPayload" });
  // One validator per entry of the `webhooks` section (its request body), so a parser can validate the events it
  // knows and pass through event types the spec does not know yet.
  const webhookEntries = [];
  for (const [name, item] of Object.entries(spec.webhooks ?? {})) {
    const schema = jsonSchemaOf(spec, deref(spec, item.post?.requestBody)?.content);
    if (schema) webhookEntries.push([name, add(`webhook_${name.replace(/[^A-Za-z0-9_]/g, "_")}`, schema)]);
  }
  return { ajv, exportsByName, aliases, table, hasWebhooks, webhookEntries };
}

export function buildValidatorsModule(spec) {
  const { ajv, exportsByName, aliases, table, hasWebhooks, webhookEntries } = validatorSchemas(spec);

  let code = standaloneCode(ajv, exportsByName);
  // Ajv's ESM mode still emits require() for its runtime helpers and formats (CommonJS modules). require() exists
  // only on Node, so each becomes an ESM import, read through `cjs()`: loaders differ on what a CommonJS module's
  // namespace holds (Node, Deno and bundlers in Node mode put module.exports under `default`; others spread it).
  const modules = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
  const importLines = modules.length
    ? [
        ...modules.map((name, i) => `import * as cjs${i} from "${name}.js";`),
        'const cjs = (ns) => (ns.default && typeof ns.default === "object" && ns.default.__esModule ? ns.default : ns);',
      ].join("\n")
    : "";
  modules.forEach((name, i) => {
    code = code.split(`require("${name}")`).join(`cjs(cjs${i})`);
  });
  const tableLines = Object.entries(table)
    .map(([id, e]) => {
      const responses = Object.entries(e.responses)
        .map(([status, fn]) => `"${status}": ${fn}`)
        .join(", ");
      return `  ${id}: { params: ${e.params}, body: ${e.body ?? "null"}, responses: { ${responses} } },`;
    })
    .join("\n");
  return [
    "// @ts-nocheck",
    "/* eslint-disable */",
    importLines,
    code.replace(/^"use strict";/, ""),
    ...aliases,
    "",
    "/** Validators per operation: params, body (null when the operation takes none) and JSON responses by status. */",
    `export const operationValidators = {\n${tableLines}\n};`,
    hasWebhooks ? "" : "export const webhookPayload = null;",
    "/** Validators of each webhook entry's request body, by webhook name. */",
    `export const webhookValidators = {${webhookEntries.map(([name, fn]) => ` ${JSON.stringify(name)}: ${fn}`).join(",")} };`,
    "",
  ].join("\n");
}
