#!/usr/bin/env node
// npm run bench: builds the package, runs every benchmark and writes bench/RESULTS.md.
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
console.log("• build …");
if (spawnSync("npm", ["run", "--silent", "build"], { cwd: path.join(here, ".."), stdio: "inherit" }).status !== 0) process.exit(1);
console.log("• LINE throughput …");
const { markdown: line } = await import("./line-throughput.mjs");
await writeFile(path.join(here, "RESULTS.md"), `# Benchmark results\n\nProduced by \`npm run bench\`; every figure is min / median / max over the rounds of one run.\n\n${line}`);
console.log("Wrote bench/RESULTS.md");
