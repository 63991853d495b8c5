#!/usr/bin/env node
// npm run demo: lint + generate, build the docs and the package, then start a Prism mock per provider and run a
// short typed session (scripts/demo-session.ts) against each.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
function run(label, script) {
  console.log(`\n== ${label} ==`);
  const result = spawnSync("npm", ["run", "--silent", script], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run("lint and generate", "generate");
run("docs", "docs");
run("build", "build");

const { startMockServer } = await import(pathToFileURL(path.join(root, "dist/src/testing.js")).href);
const { sessions } = await import(pathToFileURL(path.join(root, "dist/scripts/demo-session.js")).href);
for (const [provider, session] of Object.entries(sessions)) {
  console.log(`\n== ${provider}: typed session against a Prism mock ==`);
  process.stdout.write("starting mock … ");
  const mock = await startMockServer(provider);
  console.log(mock.url);
  try {
    await session(mock.url, (line) => console.log(`  ${line}`));
  } finally {
    await mock.close();
  }
}
console.log("\nDemo finished. API reference: docs/index.html. Tests: npm test.");
