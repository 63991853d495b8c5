// Which specs exist (the `apis` of redocly.yaml, so lint and generation always cover the same files) and loading them.
import { readFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";

export async function apiNames(root) {
  const config = yaml.load(await readFile(path.join(root, "redocly.yaml"), "utf8"));
  return Object.keys(config.apis ?? {});
}

export function specPath(root, api) {
  return path.join(root, "specs", `${api}.yaml`);
}

export async function loadSpec(root, api) {
  return yaml.load(await readFile(specPath(root, api), "utf8"));
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch"];

/** Every operation with its path item, in spec order. */
export function* eachOperation(spec) {
  for (const [route, item] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      if (item[method]) yield { route, method, item, operation: item[method] };
    }
  }
}

/** Follows a local `#/components/...` reference (the specs use no remote refs). */
export function deref(spec, node) {
  let current = node;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((value, key) => value?.[key], spec);
  }
  return current;
}

/** Path-level and operation-level parameters, operation-level winning (OAS 3.1 §4.8.10). */
export function parametersOf(spec, item, operation) {
  const byKey = new Map();
  for (const ref of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
    const param = deref(spec, ref);
    byKey.set(`${param.in}:${param.name}`, param);
  }
  return [...byKey.values()];
}
