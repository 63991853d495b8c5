// Builds a valid call for an operation from the spec's own examples (parameter `example`, request body
// `example` / first of `examples`), so contract tests exercise exactly the data the spec documents, seeds included.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

type Node = Record<string, any>;

export function loadSpec(api: string): Node {
  return yaml.load(readFileSync(new URL(`../../specs/${api}.yaml`, import.meta.url), "utf8")) as Node;
}

function deref(spec: Node, node: any): any {
  while (node && typeof node === "object" && typeof node.$ref === "string") {
    node = node.$ref
      .slice(2)
      .split("/")
      .reduce((v: any, k: string) => v?.[k.replace(/~1/g, "/")], spec);
  }
  return node;
}

export interface ExampleCall {
  method: string;
  path: string;
  params: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  successStatus: number;
  errorStatuses: number[];
}

export function exampleCall(spec: Node, operationId: string): ExampleCall {
  for (const [path, item] of Object.entries<Node>(spec.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (op?.operationId !== operationId) continue;
      const params: ExampleCall["params"] = {};
      for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const p = deref(spec, raw);
        const schema = deref(spec, p.schema) ?? {};
        const value =
          p.example ??
          (p.examples ? (Object.values(p.examples)[0] as Node).value : undefined) ??
          schema.example ??
          schema.default ??
          schema.enum?.[0];
        if (value === undefined) {
          if (p.required) throw new Error(`${operationId}: required parameter ${p.name} has no example`);
          continue;
        }
        (params[p.in as "path"] ??= {})[p.name] = value;
      }
      let body: unknown;
      const requestBody = deref(spec, op.requestBody);
      if (requestBody) {
        const [type, media] = Object.entries<Node>(requestBody.content)[0]!;
        body = media.example ?? (media.examples ? deref(spec, Object.values(media.examples)[0]).value : undefined);
        if (type === "multipart/form-data" && body && typeof body === "object") {
          const schema = deref(spec, media.schema);
          body = Object.fromEntries(
            Object.entries(body as Node).map(([k, v]) => {
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
