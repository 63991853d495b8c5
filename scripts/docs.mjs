#!/usr/bin/env node
// npm run docs: docs/<api>.html (Redocly build-docs, one standalone page per spec) and docs/index.html
// (one card per API family: operation count, webhook events, deprecated operations).
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { apiNames, loadSpec } from "./lib/specs.mjs";
import { buildOperationTable } from "./lib/operation-table.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

await mkdir(path.join(root, "docs"), { recursive: true });
const cards = [];
for (const api of await apiNames(root)) {
  const started = performance.now();
  process.stdout.write(`• docs/${api}.html … `);
  const result = spawnSync(
    path.join(root, "node_modules/.bin/redocly"),
    ["build-docs", `specs/${api}.yaml`, "--output", `docs/${api}.html`, "--inlineBundle"],
    { cwd: root, encoding: "utf8" },
  );
  if (result.status !== 0) {
    console.error(`failed\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  console.log(`done (${Math.round(performance.now() - started)} ms)`);
  const spec = await loadSpec(root, api);
  const table = buildOperationTable(spec);
  const ops = Object.entries(table.operations);
  const deprecated = ops.filter(([, op]) => op.deprecated).map(([id]) => id);
  cards.push(`<section class="card">
  <h2><a href="${api}.html">${escape(spec.info.title)}</a></h2>
  <p>${escape((spec.info.description ?? "").split("\n")[0])}</p>
  <ul>
    <li><strong>${ops.length}</strong> operations</li>
    <li><strong>${table.webhooks.length}</strong> webhook events${table.webhooks.length ? `: ${table.webhooks.map(escape).join(", ")}` : ""}</li>
    <li><strong>${deprecated.length}</strong> deprecated${deprecated.length ? `: ${deprecated.map(escape).join(", ")}` : ""}</li>
  </ul>
  <p><a href="${api}.html">API reference →</a></p>
</section>`);
}

await writeFile(
  path.join(root, "docs", "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bizchat-openapi — API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:1rem}.card h2{font-size:1.1rem;margin-top:0}</style></head>
<body><h1>bizchat-openapi</h1>
<p>Typed, validated, rate-limit-safe clients generated from hand-written OpenAPI 3.1 specs for the business-chat APIs
Japanese companies run on. Usage guide: <a href="../README.md">README</a>.</p>
<div class="cards">
${cards.join("\n")}
</div></body></html>
`,
);
console.log(`Wrote docs/index.html and ${cards.length} API reference pages.`);
