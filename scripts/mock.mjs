#!/usr/bin/env node
// npm run mock -- <provider> [port]: serves a Prism mock of specs/<provider>.yaml until interrupted.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { apiNames } from "./lib/specs.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [provider, port = "4010"] = process.argv.slice(2);
const apis = await apiNames(root);
if (!apis.includes(provider)) {
  console.error(`usage: npm run mock -- <${apis.join("|")}> [port]`);
  process.exit(2);
}
console.log(`Starting a Prism mock of specs/${provider}.yaml on http://127.0.0.1:${port} (Ctrl-C to stop) …`);
const child = spawn(
  path.join(root, "node_modules/.bin/prism"),
  ["mock", "--errors", "-h", "127.0.0.1", "-p", port, `specs/${provider}.yaml`],
  {
    cwd: root,
    stdio: "inherit",
  },
);
process.on("SIGINT", () => child.kill("SIGINT"));
child.on("exit", (code) => process.exit(code ?? 0));
