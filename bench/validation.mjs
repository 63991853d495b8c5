// 2. Validation: requests validated per second with the precompiled validators (generated/*.validators.ts) and
// with the same schemas compiled by Ajv at run time; what compiling costs; the cold-start cost of importing each
// entry point, and a check that importing one compiles no schema.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { deref, eachOperation, loadSpec, parametersOf } from "../scripts/lib/specs.mjs";
import { validatorSchemas } from "../scripts/lib/validators.mjs";
import { validationIssues } from "../dist/src/runtime/validate.js";
import { fmt, num, report, root, ROUNDS, stats } from "./lib.mjs";

const SAMPLES = [
  ["line", "acquireChatControl"],
  ["chatwork", "postMessage"],
  ["lineworks", "createContact"],
];

/** The operation's documented example request: path parameters and body from the spec's examples. */
function exampleRequest(spec, operationId) {
  for (const { item, operation } of eachOperation(spec)) {
    if (operation.operationId !== operationId) continue;
    const path = {};
    for (const p of parametersOf(spec, item, operation))
      if (p.in === "path") path[p.name] = p.example ?? p.schema?.example;
    const media = Object.values(deref(spec, operation.requestBody)?.content ?? {})[0];
    return {
      params: Object.keys(path).length ? { path } : {},
      body: media?.example ?? Object.values(media?.examples ?? {})[0]?.value,
    };
  }
  throw new Error(`no operation ${operationId}`);
}

/** What the client does before sending: params and body through validationIssues. */
const validateRequest = (v, request) => [
  ...validationIssues(v.params, request.params, "params", true),
  ...validationIssues(v.body, request.body, "body"),
];

function perSecond(fn, ms = 300) {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) for (let i = 0; i < 1000; i++, n++) fn();
  return n / (ms / 1000);
}

const rows = [];
const compileRows = [];
for (const [api, operationId] of SAMPLES) {
  const spec = await loadSpec(root, api);
  const request = exampleRequest(spec, operationId);
  const generated = await import(pathToFileURL(path.join(root, `dist/generated/${api}.validators.js`)).href);
  const pre = generated.operationValidators[operationId];
  if (validateRequest(pre, request).length)
    throw new Error(`${api} ${operationId}: the spec's example does not validate`);

  // The same schemas, compiled by Ajv in this process (what a client without precompiled validators does).
  const compileOperation = () => {
    const { ajv, table } = validatorSchemas(spec, { standalone: false });
    const names = table[operationId];
    return { params: ajv.getSchema(names.params), body: ajv.getSchema(names.body), responses: {} };
  };
  const runtime = compileOperation();
  const preRate = [];
  const runRate = [];
  const compileOne = [];
  const compileAll = [];
  for (let r = 0; r < ROUNDS; r++) {
    preRate.push(perSecond(() => validateRequest(pre, request)));
    runRate.push(perSecond(() => validateRequest(runtime, request)));
    let t = performance.now();
    compileOperation();
    compileOne.push(performance.now() - t);
    t = performance.now();
    const { ajv, exportsByName } = validatorSchemas(spec, { standalone: false });
    for (const name of Object.keys(exportsByName)) ajv.getSchema(name);
    compileAll.push(performance.now() - t);
  }
  rows.push({ api, operationId, pre: stats(preRate), run: stats(runRate) });
  compileRows.push({
    api,
    operationId,
    one: stats(compileOne),
    all: stats(compileAll),
    count: Object.keys(validatorSchemas(spec).exportsByName).length,
  });
}

// Cold start: each entry point imported by a fresh process; the child also counts Function-constructor calls (how
// Ajv turns a compiled schema into code) and looks for Ajv's compiler among the loaded modules.
const ENTRIES = [
  ["bizchat-openapi", "dist/src/index.js"],
  ["bizchat-openapi/chatwork", "dist/src/chatwork/index.js"],
  ["bizchat-openapi/line", "dist/src/line/index.js"],
  ["bizchat-openapi/lineworks", "dist/src/lineworks/index.js"],
];
const probe = (file, then = "") => `
  import { createRequire } from "node:module";
  let compiled = 0;
  globalThis.Function = new Proxy(Function, { construct(target, args) { compiled++; return Reflect.construct(target, args); }, apply(target, self, args) { compiled++; return Reflect.apply(target, self, args); } });
  const t = performance.now();
  const imported = await import(${JSON.stringify(pathToFileURL(path.join(root, file)).href)});
  ${then}
  const ms = performance.now() - t;
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  const compiler = loaded.filter((f) => /ajv[\\\\/]dist[\\\\/](core|ajv|2019|2020|compile[\\\\/]index)\\.js$/.test(f));
  console.log(JSON.stringify({ ms, compiled, compiler }));
`;
// The control shows the probe sees a compile: Ajv imported and one schema compiled at run time.
const CONTROL = [
  "control: `ajv/dist/2020` + one `compile()`",
  "node_modules/ajv/dist/2020.js",
  "new imported.default().compile({ type: 'string' });",
];
const coldRows = [];
for (const [name, file, then] of [...ENTRIES, CONTROL]) {
  const runs = [];
  for (let r = 0; r < Math.max(ROUNDS, 5); r++) {
    runs.push(
      JSON.parse(
        execFileSync(process.execPath, ["--input-type=module", "-e", probe(file, then)], {
          cwd: root,
          encoding: "utf8",
        }),
      ),
    );
  }
  coldRows.push({
    name,
    ms: stats(runs.map((x) => x.ms)),
    compiled: Math.max(...runs.map((x) => x.compiled)),
    compiler: [...new Set(runs.flatMap((x) => x.compiler))],
  });
}
// For comparison: a fresh process that imports Ajv and compiles one spec's validators at start-up instead.
const runtimeStart = (api) => `
  import { loadSpec } from ${JSON.stringify(pathToFileURL(path.join(root, "scripts/lib/specs.mjs")).href)};
  const spec = await loadSpec(${JSON.stringify(root)}, ${JSON.stringify(api)});
  const t = performance.now();
  const { validatorSchemas } = await import(${JSON.stringify(pathToFileURL(path.join(root, "scripts/lib/validators.mjs")).href)});
  const { ajv, exportsByName } = validatorSchemas(spec, { standalone: false });
  for (const name of Object.keys(exportsByName)) ajv.getSchema(name);
  console.log(JSON.stringify({ ms: performance.now() - t }));
`;
const runtimeStartRows = [];
for (const api of ["chatwork", "line", "lineworks"]) {
  const runs = [];
  for (let r = 0; r < 3; r++)
    runs.push(
      JSON.parse(
        execFileSync(process.execPath, ["--input-type=module", "-e", runtimeStart(api)], {
          cwd: root,
          encoding: "utf8",
        }),
      ).ms,
    );
  runtimeStartRows.push({ api, ms: stats(runs) });
}

let md = `## 2. Validation\n\n### Requests validated per second (params + body, as the client checks them before sending; ${ROUNDS} rounds)\n\n`;
md +=
  "| operation (spec example) | precompiled (generated module) | compiled by Ajv at run time | precompiled vs run-time |\n|---|---|---|---|\n";
for (const r of rows)
  md += `| ${r.api} ${r.operationId} | ${fmt(r.pre)} | ${fmt(r.run)} | ${(r.pre.median / r.run.median).toFixed(2)}× |\n`;
md += `\nBoth run the same generated code, so once compiled they validate at the same speed; the difference is when the compiling happens:\n\n`;
md +=
  "| spec | compile this operation's validators at run time (ms) | compile all of the spec's validators (ms) | distinct validators |\n|---|---|---|---|\n";
for (const r of compileRows)
  md += `| ${r.api} (${r.operationId}) | ${fmt(r.one, 1)} | ${fmt(r.all, 1)} | ${r.count} |\n`;
md += `\n### Cold start: importing each entry point in a fresh process (${Math.max(ROUNDS, 5)} processes each)\n\n`;
md +=
  "| entry point | import time (ms) | schemas compiled during import (Function-constructor calls) | Ajv compiler modules loaded |\n|---|---|---|---|\n";
for (const r of coldRows)
  md += `| ${r.name.startsWith("control") ? r.name : `\`${r.name}\``} | ${fmt(r.ms, 1)} | ${r.compiled} | ${r.compiler.length ? r.compiler.map((f) => path.relative(root, f)).join(", ") : "none"} |\n`;
md += `\nWhat a client compiling at start-up would pay instead (fresh process: import Ajv and compile every validator of the spec):\n\n| spec | import Ajv + compile all (ms) |\n|---|---|\n`;
for (const r of runtimeStartRows) md += `| ${r.api} | ${fmt(r.ms, 1)} |\n`;
md += `\nGenerated validator modules: ${["chatwork", "line", "lineworks", "lineworks-v1"].map((api) => `${api} ${num(statSync(path.join(root, `generated/${api}.validators.ts`)).size / 1024, 0)} KiB`).join(", ")} `;
md += `(each distinct schema compiled once, repeated ones exported as aliases).\n`;

const targets = coldRows
  .filter((r) => !r.name.startsWith("control"))
  .map((r) => ({
    name: `importing \`${r.name}\` compiles no schema at run time`,
    measured: `${r.compiled} Function-constructor calls, Ajv compiler ${r.compiler.length ? "loaded" : "not loaded"}; import ${r.ms.median.toFixed(1)} ms median`,
    margin: r.compiled === 0 && !r.compiler.length ? "—" : `${r.compiled} compiled`,
    met: r.compiled === 0 && r.compiler.length === 0,
  }));
report({ title: "validation", markdown: md, targets });
