// Builds a valid call for an operation from the spec's own examples (parameter `example`, request body
// `example` / first of `examples`), so contract tests exercise exactly the data the spec documents, the providers' own examples included.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

/** The parts of an OpenAPI document this helper reads; anything may also be a `$ref`. */
interface Schema {
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, Ref<Schema>>;
  contentMediaType?: string;
  format?: string;
}
interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
  schema?: Ref<Schema>;
}
interface Media {
  example?: unknown;
  examples?: Record<string, Ref<{ value: unknown }>>;
  schema?: Ref<Schema>;
}
interface Operation {
  operationId?: string;
  parameters?: Ref<Parameter>[];
  requestBody?: Ref<{ content: Record<string, Media> }>;
  responses: Record<string, Ref<{ content?: Record<string, Media> }>>;
}
type PathItem = Partial<Record<"get" | "post" | "put" | "patch" | "delete", Operation>> & {
  parameters?: Ref<Parameter>[];
};
type Ref<T> = T | { $ref: string };
export interface Spec {
  paths: Record<string, PathItem>;
  [key: string]: unknown;
}

export function loadSpec(api: string): Spec {
  return yaml.load(readFileSync(new URL(`../../specs/${api}.yaml`, import.meta.url), "utf8")) as Spec;
}

const isRef = (node: unknown): node is { $ref: string } =>
  typeof node === "object" && node !== null && typeof (node as { $ref?: unknown }).$ref === "string";

function deref<T>(spec: Spec, node: Ref<T>): T;
function deref<T>(spec: Spec, node: Ref<T> | undefined): T | undefined;
function deref<T>(spec: Spec, node: Ref<T> | undefined): T | undefined {
  let current: unknown = node;
  while (isRef(current)) {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k.replace(/~1/g, "/")], spec);
  }
  return current as T | undefined;
}

export interface ExampleCall {
  method: string;
  path: string;
  params: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  successStatus: number;
  errorStatuses: number[];
}

export function exampleCall(spec: Spec, operationId: string): ExampleCall {
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"] as const) {
      const op = item[method];
      if (op?.operationId !== operationId) continue;
      const params: ExampleCall["params"] = {};
      for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const p = deref(spec, raw);
        const schema: Schema = deref(spec, p.schema) ?? {};
        const value =
          p.example ??
          (p.examples ? Object.values(p.examples)[0]?.value : undefined) ??
          schema.example ??
          schema.default ??
          schema.enum?.[0];
        if (value === undefined) {
          if (p.required) throw new Error(`${operationId}: required parameter ${p.name} has no example`);
          continue;
        }
        (params[p.in] ??= {})[p.name] = value;
      }
      let body: unknown;
      const requestBody = deref(spec, op.requestBody);
      if (requestBody) {
        const [type, media] = Object.entries(requestBody.content)[0]!;
        body = media.example ?? (media.examples ? deref(spec, Object.values(media.examples)[0])?.value : undefined);
        if (type === "multipart/form-data" && body && typeof body === "object") {
          const schema = deref(spec, media.schema);
          body = Object.fromEntries(
            Object.entries(body).map(([k, v]) => {
              const prop = deref(spec, schema?.properties?.[k]);
              return [
                k,
                prop?.contentMediaType || prop?.format === "binary"
                  ? new File([String(v)], "photo.png", { type: "image/png" })
                  : v,
              ];
            }),
          );
        }
      }
      const statuses = Object.keys(op.responses);
      return {
        method: method.toUpperCase(),
        path,
        params,
        body,
        successStatus: Number(statuses.find((s) => s.startsWith("2"))),
        errorStatuses: statuses.filter((s) => /^[45]\d\d$/.test(s)).map(Number),
      };
    }
  }
  throw new Error(`no operation ${operationId}`);
}

/** The example a response documents (first of `examples` when there is no `example`). */
export function responseExample(
  spec: Spec,
  path: string,
  method: "get" | "post" | "put" | "patch" | "delete",
  status: string,
  type = "application/json",
): unknown {
  const response = deref(spec, spec.paths[path]?.[method]?.responses[status]);
  const media = response?.content?.[type];
  if (!media) throw new Error(`no ${type} response ${status} documented for ${method} ${path}`);
  return media.example ?? (media.examples ? deref(spec, Object.values(media.examples)[0])?.value : undefined);
}
