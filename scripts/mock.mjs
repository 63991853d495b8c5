#!/usr/bin/env node
// npm run mock -- <provider> [port]: serves a Prism mock of specs/<provider>.yaml until interrupted.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { apiNames, loadSpec, specPath } from "./lib/specs.mjs";
import { buildOperationTable } from "./lib/operation-table.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [provider, port = "4010"] = process.argv.slice(2);
const apis = await apiNames(root);
if (!apis.includes(provider)) {
  console.error(`usage: npm run mock -- <${apis.join("|")}> [port]`);
  process.exit(2);
}
/**
 * The document startMockServer serves (src/mock-spec.ts): an operation whose server lies below the root server is
 * served at its full path below the root (`/contacts/custom-properties`), where a client with `baseUrl` sends it.
 */
function servedSpec(spec) {
  const rows = Object.values(buildOperationTable(spec).operations);
  if (!rows.some((row) => row.server.pathBelowRoot)) return { file: specPath(root, provider), remove: () => {} };
  const ref = (fragment) => ({ $ref: `${pathToFileURL(specPath(root, provider)).href}#${fragment}` });
  const pointer = (key) => key.replace(/~/g, "~0").replace(/\//g, "~1");
  const paths = Object.fromEntries(
    rows.map((row) => [(row.server.pathBelowRoot ?? "") + row.path, ref(`/paths/${pointer(row.path)}`)]),
  );
  const document = { openapi: "3.1.0", info: ref("/info"), servers: ref("/servers"), security: ref("/security") };
  const dir = mkdtempSync(path.join(os.tmpdir(), `bizchat-mock-${provider}-`));
  const file = path.join(dir, `${provider}.json`);
  writeFileSync(file, JSON.stringify({ ...document, components: ref("/components"), paths }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const served = servedSpec(await loadSpec(root, provider));
console.log(`Starting a Prism mock of specs/${provider}.yaml on http://127.0.0.1:${port} (Ctrl-C to stop) …`);
const child = spawn(
  path.join(root, "node_modules/.bin/prism"),
  ["mock", "--errors", "-h", "127.0.0.1", "-p", port, served.file],
  {
    cwd: root,
    stdio: "inherit",
  },
);
process.on("SIGINT", () => child.kill("SIGINT"));
child.on("exit", (code) => {
  served.remove();
  process.exit(code ?? 0);
});
