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

  const RIVAL_TARGET = { LINE: 3.0, Chatwork: 2.5 };
  for (const op of ops.filter((o) => o.ratios.oursRival < RIVAL_TARGET[o.provider])) {
    const want = RIVAL_TARGET[op.provider];
    md += `- **${op.provider} ${op.operation}: full stack at ${op.ratios.oursRival.toFixed(2)}× ${op.competitor}** (target ${want.toFixed(1)}×, `;
    md += `${pct(1 - op.ratios.oursRival / want)} short). The full stack runs at ${pct(op.ratios.oursRaw)} of raw undici \`Pool.request\` `;
    md += `and ${op.competitor} at ${pct(op.ratios.rivalRaw)} of it: the ratio is bounded by how close the competitor already is to the `;
    md += `floor (${us(op.rival.cpu)} client CPU per call against raw undici's ${us(op.raw.cpu)}). `;
    md += `Near that floor both cores are busy (the client and the loopback server share them, with other work on this machine), `;
    md += `so the remaining gap is the full stack's own CPU per call: ${us(op.ours.cpu - op.raw.cpu)} above raw undici.\n`;
  }
  for (const op of ops.filter((o) => o.ratios.cpuRaw > 1.5)) {
    md += `- **${op.provider} ${op.operation}: client CPU per call ${op.ratios.cpuRaw.toFixed(2)}× raw undici** (target ≤ 1.5×; `;
    md += `${us(op.ours.cpu)} against ${us(op.raw.cpu)}). What the full stack adds per call: request validation (precompiled Ajv), `;
    md += `the limiter's bookkeeping (a Bottleneck-backed bucket per class), the retry and time-out bookkeeping and the result mapping. `;
    if (op.ratios.cpuOffRaw !== undefined)
      md += `With the limiter off the same stack is at ${op.ratios.cpuOffRaw.toFixed(2)}× raw undici: the rest is the limiter's share. `;
    md += `Profile with \`node --cpu-prof bench/throughput.mjs\` to see which.\n`;
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
