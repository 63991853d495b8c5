#!/usr/bin/env node
// npm run bench: installs the benchmark-only dependencies when missing (bench/package.json: the clients users would
// pick instead, never part of the package), builds, runs each suite in a process of its own and writes
// bench/RESULTS.md. BENCH_ROUNDS / BENCH_SECONDS shorten a trial run; the committed results use the defaults.
// `npm run bench -- throughput limiter` runs only the named suites: the others keep their last results (from
// bench/results/<suite>.json, else their sections and target rows in the current RESULTS.md).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { here, root, ROUNDS, SECONDS } from "./lib.mjs";
import { closingNote } from "./notes.mjs";

const started = performance.now();

/** Which suite a target row of RESULTS.md belongs to (for runs of some suites only). */
const TARGET_SUITE = [
  ["throughput", /^(LINE|Chatwork) (getModules|acquireChatControl|getRooms|postMessage):/],
  ["validation", /^importing /],
  ["limiter", /LINE preset|limiter adds|enforcing server/],
];
const suiteOfTarget = (name) => TARGET_SUITE.find(([, pattern]) => pattern.test(name))?.[0] ?? "tooling";

/** A suite not run this time: its saved JSON, else its section and target rows in the current RESULTS.md. */
function earlierResult(name, number) {
  const file = path.join(here, "results", `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const current = existsSync(path.join(here, "RESULTS.md")) ? readFileSync(path.join(here, "RESULTS.md"), "utf8") : "";
  const section = current.match(new RegExp(`^## ${number}\\. [\\s\\S]*?(?=^## )`, "m"))?.[0] ?? "";
  const rows = [
    ...(current.match(/^## Targets\n[\s\S]*?(?=^## )/m)?.[0] ?? "").matchAll(
      /^\| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$/gm,
    ),
  ]
    .map(([, target, measured, margin, met]) => ({ name: target, measured, margin, met: met === "met" }))
    .filter((t) => t.name !== "target" && t.name !== "---" && suiteOfTarget(t.name) === name);
  return { markdown: section, targets: rows, carried: true };
}
const step = (label) => console.log(`• ${label} …`);
const sh = (command, args) => {
  if (spawnSync(command, args, { cwd: root, stdio: "inherit" }).status !== 0) process.exit(1);
};

if (
  !["@line/bot-sdk", "chatwork-api-client"].every((name) =>
    existsSync(path.join(here, "node_modules", name, "package.json")),
  )
) {
  step("install the benchmark's own dependencies (npm ci --prefix bench)");
  sh("npm", ["ci", "--prefix", "bench", "--no-audit", "--no-fund", "--loglevel=error"]);
}
step("build (npm run build)");
sh("npm", ["run", "--silent", "build"]);

const SUITES = [
  ["throughput", "1. throughput and latency"],
  ["validation", "2. validation and cold start"],
  ["limiter", "3. limiter"],
  ["tooling", "4. npm run generate / docs"],
  ["observability", "5. events, tracing and middleware"],
];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("-"));
for (const name of chosen) if (!SUITES.some(([n]) => n === name)) throw new Error(`no bench suite named ${name}`);
const loadBefore = os.loadavg();
const tmp = mkdtempSync(path.join(os.tmpdir(), "bizchat-bench-"));
const saved = path.join(here, "results");
mkdirSync(saved, { recursive: true });
const suites = {};
for (const [index, [name, label]] of SUITES.entries()) {
  if (chosen.length && !chosen.includes(name)) {
    suites[name] = earlierResult(name, index + 1);
    continue;
  }
  step(label);
  const out = path.join(tmp, `${name}.json`);
  sh(process.execPath, [path.join(here, `${name}.mjs`), "--json", out]);
  suites[name] = { ...JSON.parse(readFileSync(out, "utf8")), ranAt: new Date().toISOString() };
  writeFileSync(path.join(saved, `${name}.json`), JSON.stringify(suites[name], null, 1));
}
rmSync(tmp, { recursive: true, force: true });
const loadAfter = os.loadavg();

const version = (dir, name) => {
  try {
    return JSON.parse(readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
};
let redisVersion = "not installed";
try {
  redisVersion = execFileSync("redis-server", ["--version"], { encoding: "utf8" }).match(/v=(\S+)/)?.[1] ?? "?";
} catch {
  // redis-server is optional: the limiter suite then runs in-process only.
}
const cpus = os.cpus();
const targets = Object.values(suites).flatMap((s) => s.targets ?? []);
const minutes = (performance.now() - started) / 60_000;

let md = `# Benchmark results\n\n`;
md += `Written by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString()}; the whole run took ${minutes.toFixed(1)} min.\n\n`;
md += `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}; `;
md += `load average ${loadBefore[0].toFixed(2)} when the suites started, ${loadAfter[0].toFixed(2)} when they ended.\n`;
md += `- Node ${process.version} (fetch: undici ${process.versions.undici}); openapi-fetch ${version(root, "openapi-fetch")}, ajv ${version(root, "ajv")}, `;
md += `bottleneck ${version(root, "bottleneck")}, ioredis ${version(root, "ioredis")}, redis-server ${redisVersion}; `;
md += `competitors from bench/package.json: @line/bot-sdk ${version(here, "@line/bot-sdk")}, chatwork-api-client ${version(here, "chatwork-api-client")}.\n`;
md += `- Every figure is min / **median** / max over the rounds of this one run (${ROUNDS} rounds unless a table says otherwise; `;
md += `throughput rounds last ${SECONDS} s). Servers run in processes of their own, on loopback.\n`;
md += `- The machine is shared: absolute figures are noisy; the ratios measured side by side within one run are what count.\n`;
if (chosen.length) {
  md += `- This run: ${chosen.join(", ")} only; ${SUITES.filter(([n]) => !chosen.includes(n))
    .map(([n]) => `${n} as last measured${suites[n]?.ranAt ? ` (${suites[n].ranAt})` : ""}`)
    .join(", ")}.\n`;
}
md += "\n";
md += `## Targets\n\n| target | measured (median) | margin | |\n|---|---|---|---|\n`;
for (const t of targets) md += `| ${t.name} | ${t.measured} | ${t.margin} | ${t.met ? "met" : "**missed**"} |\n`;
md += `\n${Object.values(suites)
  .map((s) => s.markdown)
  .join("\n")}\n${closingNote(targets, suites)}`;
writeFileSync(path.join(here, "RESULTS.md"), md);
console.log(
  `Wrote bench/RESULTS.md (${targets.filter((t) => t.met).length}/${targets.length} targets met) in ${minutes.toFixed(1)} min.`,
);
