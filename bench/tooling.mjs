// 4. Wall time of `npm run generate` (lint, types, precompiled validators, operation tables for every spec) and
// `npm run docs` (Redocly build-docs per spec and the index page), as a developer runs them.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fmt, report, root, ROUNDS, stats } from "./lib.mjs";

const TOOL_ROUNDS = Math.min(ROUNDS, 3);
let md = `## 4. Tooling\n\n| command | wall time (s), ${TOOL_ROUNDS} runs |\n|---|---|\n`;
for (const script of ["generate", "docs"]) {
  const times = [];
  for (let r = 0; r < TOOL_ROUNDS; r++) {
    const t = performance.now();
    const result = spawnSync("npm", ["run", "--silent", script], { cwd: root, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`npm run ${script} failed:\n${result.stdout}${result.stderr}`);
    times.push((performance.now() - t) / 1000);
  }
  md += `| \`npm run ${script}\` | ${fmt(stats(times), 2)} |\n`;
}
report({ title: "tooling", markdown: md, targets: [] });
