// The operation table: everything the runtime needs to apply a provider rule to one call, read from the spec
// (see specs/README.md for the x-bizchat-* extensions), so src/ never repeats a provider rule by hand.
import { deref, eachOperation, parametersOf } from "./specs.mjs";

const PARAM_LOCATIONS = ["path", "query", "header", "cookie"];

const BINARY = (schema) => schema && (schema.contentMediaType || schema.format === "binary");

/**
 * Where the operation's server sits below the spec's root server: "" for the root itself, "/contacts" for a
 * path-level server `{root}/contacts`, null for a server elsewhere (another host, e.g. an upload or token host).
 * A client-wide `baseUrl` replaces the root, so the operation goes to `{baseUrl}{pathBelowRoot}{path}`.
 */
function pathBelowRoot(rootUrl, url) {
  if (url === rootUrl) return "";
  return url.startsWith(`${rootUrl}/`) ? url.slice(rootUrl.length).replace(/\/+$/, "") : null;
}

function serversOf(spec, item, operation) {
  const servers = operation.servers ?? item.servers ?? spec.servers ?? [{ url: "" }];
  const server = servers[0];
  const variables = Object.fromEntries(Object.entries(server.variables ?? {}).map(([name, v]) => [name, v.default]));
  const rootUrl = (spec.servers ?? [{ url: "" }])[0].url.replace(/\/+$/, "");
  return { url: server.url, variables, pathBelowRoot: pathBelowRoot(rootUrl, server.url.replace(/\/+$/, "")) };
}

function requestBodyOf(spec, operation) {
  const body = deref(spec, operation.requestBody);
  if (!body) return null;
  const [contentType, media] = Object.entries(body.content)[0];
  const schema = deref(spec, media.schema) ?? {};
  const binaryFields = {};
  const invalidMessages = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const resolved = deref(spec, prop);
    if (BINARY(resolved)) binaryFields[name] = resolved["x-bizchat-max-bytes"] ?? null;
    if (resolved?.["x-bizchat-invalid-message"]) invalidMessages[name] = resolved["x-bizchat-invalid-message"];
  }
  // OAS Encoding Object: `style: form, explode: false` sends an array as one comma-separated form value.
  const commaSeparated = Object.entries(media.encoding ?? {})
    .filter(([, encoding]) => encoding.style === "form" && encoding.explode === false)
    .map(([name]) => name);
  return { contentType, required: body.required === true, binaryFields, commaSeparated, invalidMessages };
}

/** The operation's security requirements (OAS: the operation's own list replaces the spec-wide one). */
function securityOf(spec, operation) {
  return operation.security ?? spec.security ?? [];
}

/** How to read a success body: JSON unless the spec's 2xx answers are only text or binary (e.g. a photo). */
function responseParseAs(spec, operation) {
  const types = Object.entries(operation.responses ?? {})
    .filter(([status]) => status.startsWith("2"))
    .flatMap(([, ref]) => Object.keys(deref(spec, ref)?.content ?? {}));
  if (!types.length || types.some((t) => t.includes("json"))) return "json";
  return types.every((t) => t.startsWith("text/")) ? "text" : "blob";
}

export function buildOperationTable(spec) {
  const operations = {};
  for (const { route, method, item, operation } of eachOperation(spec)) {
    const params = parametersOf(spec, item, operation);
    const idempotent = operation["x-bizchat-idempotent"] ?? method !== "post";
    operations[operation.operationId] = {
      method: method.toUpperCase(),
      path: route,
      server: serversOf(spec, item, operation),
      requestBody: requestBodyOf(spec, operation),
      parseAs: responseParseAs(spec, operation),
      pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
      paramLocations: PARAM_LOCATIONS.filter((location) => params.some((p) => p.in === location)),
      security: securityOf(spec, operation).map((requirement) => Object.keys(requirement)),
      // Aligned with `security`: each requirement as the spec states it, scheme → the OAuth scopes it needs
      // (empty for schemes without scopes), so a token can be asked for the scopes the operation needs.
      securityScopes: securityOf(spec, operation),
      rateLimit: operation["x-bizchat-rate-limit"] ?? (spec["x-bizchat-rate-limits"] ? ["default"] : []),
      idempotent,
      idempotencyHeader: operation["x-bizchat-idempotency-header"] ?? null,
      deprecated: operation.deprecated === true,
      summary: operation.summary,
      responses: Object.keys(operation.responses ?? {}),
    };
  }
  const index = {};
  for (const [id, op] of Object.entries(operations)) index[`${op.method} ${op.path}`] = id;

  const securitySchemes = {};
  for (const [name, scheme] of Object.entries(spec.components?.securitySchemes ?? {})) {
    securitySchemes[name] =
      scheme.type === "apiKey"
        ? { type: "apiKey", in: scheme.in, name: scheme.name }
        : scheme.type === "http"
          ? { type: "http", scheme: scheme.scheme.toLowerCase() }
          : { type: scheme.type };
  }
  return {
    title: spec.info.title,
    operations,
    index,
    securitySchemes,
    rateLimits: spec["x-bizchat-rate-limits"] ?? {},
    // Plans whose documented limits differ (per-plan values in each rate-limit class's `plans`).
    plans: spec["x-bizchat-plans"] ?? null,
    rateLimitHeaders: spec["x-bizchat-rate-limit-headers"] ?? null,
    errorCodes: spec["x-bizchat-error-codes"] ?? {},
    webhooks: Object.keys(spec.webhooks ?? {}),
  };
}

export function renderOperationTable(table) {
  const lines = ["export const operationTable = ", JSON.stringify(table, null, 2), " as const;\n"];
  lines.push("\nexport type OperationId = keyof typeof operationTable.operations;\n");
  return lines.join("");
}
