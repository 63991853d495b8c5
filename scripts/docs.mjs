#!/usr/bin/env node
// npm run docs: docs/<api>.html (Redocly build-docs, one standalone page per spec) and docs/index.html
// (what the toolkit covers, one card per API family: operation count, webhook events, deprecated operations).
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { apiNames, loadSpec } from "./lib/specs.mjs";
import { buildOperationTable } from "./lib/operation-table.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const escape = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
// One plain sentence per API: info.summary, else the first paragraph of info.description without Markdown marks.
const blurb = (info) =>
  (info.summary ?? (info.description ?? "").split(/\n\s*\n/)[0]).replace(/[`*]/g, "").replace(/\s+/g, " ").trim();

const allStarted = performance.now();
await mkdir(path.join(root, "docs"), { recursive: true });
const cards = [];
let operationTotal = 0;
let webhookTotal = 0;
for (const api of await apiNames(root)) {
  const started = performance.now();
  process.stdout.write(`• docs/${api}.html … `);
  const result = spawnSync(
    path.join(root, "node_modules/.bin/redocly"),
    ["build-docs", `specs/${api}.yaml`, "--output", `docs/${api}.html`, "--inlineBundle"],
    // REDOCLY_TELEMETRY=off: no CLI usage report, and the page gets disableTelemetry (no beacons to Redocly).
    { cwd: root, encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off" } },
  );
  if (result.status !== 0) {
    console.error(`failed\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  console.log(`done (${Math.round(performance.now() - started)} ms)`);
  const spec = await loadSpec(root, api);
  const table = buildOperationTable(spec);
  const ops = Object.entries(table.operations);
  const deprecated = ops.filter(([, op]) => op.deprecated);
  operationTotal += ops.length;
  webhookTotal += table.webhooks.length;
  cards.push(`<section class="card" data-api="${escape(api)}">
  <h2><a href="${api}.html">${escape(spec.info.title)}</a></h2>
  <p>${escape(blurb(spec.info))}</p>
  <ul>
    <li data-count="operations"><strong>${ops.length}</strong> operations</li>
    <li data-count="webhooks"><strong>${table.webhooks.length}</strong> webhook events${table.webhooks.length ? `: ${table.webhooks.map((w) => `<code>${escape(w)}</code>`).join(", ")}` : ""}</li>
    <li data-count="deprecated"><strong>${deprecated.length}</strong> deprecated${deprecated.length ? `: ${deprecated.map(([id, op]) => `<code>${escape(id)}</code> (${escape(op.summary)})`).join(", ")}` : ""}</li>
  </ul>
  <p><a href="${api}.html">API reference →</a> · spec: <code>specs/${escape(api)}.yaml</code></p>
</section>`);
}

await writeFile(
  path.join(root, "docs", "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bizchat-openapi — API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430;line-height:1.5}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:1rem}.card h2{font-size:1.1rem;margin-top:0}
code{font-size:.9em;background:#f3f5f7;padding:0 .2em;border-radius:3px}</style></head>
<body><h1>bizchat-openapi</h1>
<p>One typed, validated, rate-limit-safe TypeScript toolkit for the business-chat APIs Japanese companies run on:
<strong>Chatwork API v2</strong>, <strong>LINE WORKS</strong> (API 2.0 Contacts, tags and custom properties; API 1.0
rules and bot registration) and the <strong>LINE Messaging API options for corporate customers</strong>. These pages
are rendered from the same hand-written OpenAPI 3.1 specs the clients, validators and mock servers are generated
from: ${cards.length} API families, ${operationTotal} operations, ${webhookTotal} webhook events.</p>
<p>How to call them from TypeScript: <a href="../README.md#using-the-client">Using the client</a> (README).</p>
<div class="cards">
${cards.join("\n")}
</div></body></html>
`,
);
console.log(
  `Wrote docs/index.html and ${cards.length} API reference pages in ${Math.round(performance.now() - allStarted)} ms total.`,
);
