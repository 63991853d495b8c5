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
  const redisLatency = (limiter?.added?.redis ?? []).filter((a) => a.added >= 0.2);
  if (redisLatency.length) {
    md += `- **The Redis limiter adds ${redisLatency.map((a) => `${a.added.toFixed(2)} ms (${a.operation})`).join(", ")} per call under quota** `;
    md += `(target < 0.2 ms; the in-process limiter adds ${(limiter.added.local ?? []).map((a) => `${a.added.toFixed(3)} ms`).join(" / ")}). `;
    md += `Why: every call is a Bottleneck clustered job, so it waits on Redis round trips (Lua scripts to register, submit and free the `;
    md += `job) and Bottleneck's own scheduling timers; Chatwork posts pass two shared buckets (per token and per room), hence about twice the cost. `;
    md += `Fix: lease quota in blocks: one atomic Lua script takes up to N tokens (e.g. 5 % of the window) from the shared window into the `;
    md += `process's in-process bucket, which serves calls synchronously as it does today; unused tokens go back at the window's end and `;
    md += `the provider's headers still resync the shared window. Redis then costs one round trip per block instead of several per call.\n`;
  }
  for (const [name, rate] of Object.entries(limiter?.sustained ?? {})) {
    if (rate >= 1980) continue;
    md += `- **The LINE preset sustained ${rate.toFixed(0)} req/s ${name === "redis" ? "through Redis" : "in-process"}** (target 2,000, ${pct(1 - rate / 2000)} short). `;
    md +=
      name === "redis"
        ? `Why: with Redis each call waits for its Bottleneck clustered job, so the callers cannot keep 2,000 jobs per second moving. Fix: the block leases above.\n`
        : `Why: the client itself cannot keep up under this run's load (see its limiter-off throughput in section 1).\n`;
  }

  for (const t of missed.filter((t) => /compiles no schema|enforcing server/.test(t.name))) {
    md += `- **${t.name}**: ${t.measured}. `;
    md += /compiles/.test(t.name)
      ? `Fix: find the import that reaches Ajv's compiler (the generated module must only require \`ajv/dist/runtime/*\` and \`ajv-formats/dist/formats\`).\n`
      : `Fix: check how the limiter adopts the server's \`x-ratelimit-*\` headers (src/runtime/limiter.ts resync) and its window alignment.\n`;
  }
  return md;
}
