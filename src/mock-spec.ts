// The document the mock serves. A client with `baseUrl` sends an operation whose path-level server lies below the
// spec's root server to `{baseUrl}{pathBelowRoot}{path}` (src/runtime/base-url.ts), but Prism routes on the path
// alone. For such a spec the mock serves a small JSON document whose path items are references into the spec,
// keyed by the full path below the root (`/contacts/custom-properties`), so the mock answers where the client sends.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { registry, type ProviderName } from "../generated/registry.js";

interface TableRow {
  path: string;
  server: { pathBelowRoot?: string | null };
}

/** JSON Pointer escaping of one path key (RFC 6901). */
const pointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

export interface ServedSpec {
  file: string;
  remove(): void;
}

export async function servedSpec(provider: ProviderName, specFile: string): Promise<ServedSpec> {
  const table: { operations: Record<string, TableRow> } = await registry[provider].operations();
  const rows = Object.values(table.operations);
  if (!rows.some((row) => row.server.pathBelowRoot)) return { file: specFile, remove: () => {} };
  const spec = pathToFileURL(specFile).href;
  const ref = (fragment: string) => ({ $ref: `${spec}#${fragment}` });
  const paths: Record<string, { $ref: string }> = {};
  for (const row of rows) paths[(row.server.pathBelowRoot ?? "") + row.path] = ref(`/paths/${pointer(row.path)}`);
  const document = {
    openapi: "3.1.0",
    info: ref("/info"),
    servers: ref("/servers"),
    security: ref("/security"),
    components: ref("/components"),
    paths,
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), `bizchat-mock-${provider}-`));
  const file = path.join(dir, `${provider}.json`);
  writeFileSync(file, JSON.stringify(document));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
