// The closing note of bench/RESULTS.md: for every missed target, by how much, why, and the proposed fix. The text
// is chosen from what this run measured, so it stays true when the figures change.
const pct = (x) => `${(x * 100).toFixed(0)} %`;
const us = (x) => `${x.toFixed(0)} µs`;

export function closingNote(targets, suites) {
  const missed = targets.filter((t) => !t.met);
  let md = `## Closing note\n\n`;
  md += `${targets.length - missed.length} of ${targets.length} targets met in this run.`;
  if (!missed.length) return md + " Nothing to fix.\n";
  md += " The misses, why, and the proposed fix:\n\n";
  const ops = suites.throughput?.data ?? [];

  for (const op of ops.filter((o) => o.ratios.oursBare < 0.9)) {
    md += `- **${op.provider} ${op.operation}: full stack at ${(op.ratios.oursBare * 100).toFixed(1)} % of bare openapi-fetch** (target 90 %, `;
    md += `${((0.9 - op.ratios.oursBare) * 100).toFixed(1)} pp short); it spends ${us(op.ours.cpu - op.bare.cpu)} more client CPU per call. `;
    if (op.ratios.noTimerBare >= 0.9) {
      md += `Why: the default per-attempt time-out (\`timeoutMs\` 30 s). Node's fetch ties every request to the AbortSignal it is given `;
      md += `(a WeakRef, a FinalizationRegistry entry and an abort listener per request, then their garbage collection): `;
      md += `${us(op.ours.cpu - op.noTimer.cpu)} of client CPU per call here; with \`timeoutMs: 0\` the same stack runs at `;
      md += `${pct(op.ratios.noTimerBare)} of bare openapi-fetch. Within fetch there is no cheaper way to make a request abortable. `;
      md += `Fix: the undici Dispatcher transport proposed below for Chatwork, whose per-request time-outs are timers of the connection `;
      md += `pool, not a signal per request. \`timeoutMs: 0\` removes the cost today, and with it the protection against a server that never answers.\n`;
    } else {
      md += `Why: per-call work above openapi-fetch (the \`timeoutMs: 0\` row is at ${pct(op.ratios.noTimerBare)}). Fix: profile this `;
      md += `operation (\`node --cpu-prof bench/throughput.mjs\`) and remove it from src/runtime/client.ts and transport.ts.\n`;
    }
  }

  const line = ops.filter((o) => o.provider === "LINE" && (o.ratios.oursRival < 1 || o.ours.latency > o.rival.latency));
  if (line.length) {
    md += `- **Slower than ${line[0].competitor} on ${line.map((o) => o.operation).join(", ")}**: `;
    md += line
      .map(
        (o) =>
          `${o.operation} ${pct(o.ratios.oursRival)} of its throughput, median latency ${o.ours.latency.toFixed(3)} vs ${o.rival.latency.toFixed(3)} ms`,
      )
      .join("; ");
    md += `. Why: @line/bot-sdk is a thin wrapper over the same fetch (a URL and a plain header object in, \`text()\` + \`JSON.parse\` out), `;
    md += `at ${line.map((o) => pct(o.ratios.rivalRaw)).join(" / ")} of raw fetch's throughput here. The full stack is validation, auth, retry and error mapping `;
    md += `on top of openapi-fetch. Per call, the full stack spends ${line.map((o) => us(o.ours.cpu - o.rival.cpu)).join(" / ")} more client CPU `;
    md += `than the SDK; the default per-attempt time-out's signal accounts for ${line.map((o) => us(o.ours.cpu - o.noTimer.cpu)).join(" / ")} of it `;
    md += `(with \`timeoutMs: 0\` the stack reaches ${line.map((o) => pct(o.ratios.noTimerRival)).join(" / ")} of the SDK's throughput), `;
    md += `and the rest is openapi-fetch's own per-call work (a \`Headers\` object built by \`mergeHeaders\`, a query serializer created `;
    md += `on every call, URL assembly, undici copying the headers again) plus validation and the transport's bookkeeping. `;
    md += `Fix: build each request straight from the generated operation table in the transport (path template, a query serializer `;
    md += `made once per operation, a plain header record) and call \`fetch(url, init)\` directly, keeping openapi-fetch for its types and `;
    md += `response parsing (or upstream: let openapi-fetch reuse its query serializer and take plain headers without a \`Headers\` `;
    md += `round trip), and take the time-out off the signal with the Dispatcher transport below.\n`;
  }

  const cw = ops.filter(
    (o) => o.provider === "Chatwork" && (o.ratios.oursRival < 1 || o.ours.latency > o.rival.latency),
  );
  if (cw.length) {
    md += `- **Slower than ${cw[0].competitor} on ${cw.map((o) => o.operation).join(", ")}**: `;
    md += cw
      .map(
        (o) =>
          `${o.operation} ${pct(o.ratios.oursRival)} of its throughput, median latency ${o.ours.latency.toFixed(3)} vs ${o.rival.latency.toFixed(3)} ms`,
      )
      .join("; ");
    md += `. Why: the HTTP stack, not the client. chatwork-api-client sends through axios on \`node:http\`; every fetch-based client here, `;
    md += `raw \`fetch\` included, reaches only ${cw.map((o) => pct(o.ratios.rawRival)).join(" / ")} of its throughput, while the full stack `;
    md += `is at ${cw.map((o) => pct(o.ratios.oursRaw)).join(" / ")} of raw fetch. Node's fetch builds WHATWG Request/Response objects, `;
    md += `an AbortSignal and web streams per call and writes a request body as a stream. Fix: when no \`fetch\` is injected, send through `;
    md += `undici's Dispatcher API (\`undici.request\`, about 2.7 × Node's fetch when measured on these machines) with `;
    md += `string bodies and a keep-alive pool, building a Response only for openapi-fetch to parse; the retry, time-out and error `;
    md += `mapping stay in transport.ts. It adds \`undici\` as a dependency and needs the fault-matrix suite to pin redirects, decompression `;
    md += `and abort behaviour to what fetch does today.\n`;
  }

  const limiter = suites.limiter?.data;
  const redisLatency = (limiter?.added?.redis ?? []).filter((a) => a.added > 0.2);
  if (redisLatency.length) {
    md += `- **The Redis limiter adds ${redisLatency.map((a) => `${a.added.toFixed(2)} ms (${a.operation})`).join(", ")} per call under quota** `;
    md += `(target ≤ 0.2 ms; the in-process limiter adds ${(limiter.added.local ?? []).map((a) => `${a.added.toFixed(3)} ms`).join(" / ")}). `;
    md += `Why: calls are served from leased blocks without a round trip, so what is added is the blocks' own round trips `;
    md += `(see the round-trip table) and the heartbeat check-ins; a figure above target on a loaded machine is mostly scheduling `;
    md += `noise: compare the in-process row of the same run. Fix: larger blocks (src/runtime/redis-bucket.ts, DEMAND_HEARTBEATS).\n`;
  }
  for (const [name, rate] of Object.entries(limiter?.sustained ?? {})) {
    if (rate >= 1980) continue;
    md += `- **The LINE preset sustained ${rate.toFixed(0)} req/s ${name === "redis" ? "through Redis" : "in-process"}** (target 2,000, ${pct(1 - rate / 2000)} short). `;
    md +=
      name === "redis"
        ? `Why: the callers waited on a block from Redis when the one they held ran out. Fix: ask for the next block earlier (src/runtime/redis-bucket.ts, takeToken).\n`
        : `Why: the client itself cannot keep up (see its limiter-off throughput in section 1). Fix: the per-call work above.\n`;
  }

  for (const t of missed.filter((t) => /compiles no schema|enforcing server/.test(t.name))) {
    md += `- **${t.name}**: ${t.measured}. `;
    md += /compiles/.test(t.name)
      ? `Fix: find the import that reaches Ajv's compiler (the generated module must only require \`ajv/dist/runtime/*\` and \`ajv-formats/dist/formats\`).\n`
      : `Fix: check how the limiter adopts the server's \`x-ratelimit-*\` headers (resync in src/runtime/limiter.ts and src/runtime/redis-bucket.ts) and its window alignment.\n`;
  }
  return md;
}
