// 3. The limiter: maximum sustained rate through the LINE preset, added median latency while under quota, and
// quota used / 429s against a server that enforces the quota, each without and with Redis (rateLimit.redis).
import { execFile } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { createChatworkClient } from "../dist/src/chatwork/index.js";
import { createLineClient } from "../dist/src/line/index.js";
import { fmt, here, report, ROUNDS, startRedis, startServer, stats } from "./lib.mjs";

const run = promisify(execFile);
const TOKEN = "bench-token";
const redis = await startRedis();
process.on("exit", () => redis?.kill()); // also when a step fails
const redisOption = (id) =>
  redis ? { redis: { clientOptions: { host: "127.0.0.1", port: redis.port }, id, onError: "fail" } } : null;
const loopback = await startServer("loopback-server.mjs");
const base = loopback.url;
const targets = [];
const data = { redis: Boolean(redis), sustained: {}, added: {} };
let md = `## 3. The limiter\n\n`;
md += redis
  ? `Redis: a throw-away \`redis-server\` on a free loopback port (\`--save '' --appendonly no\`), through \`rateLimit.redis\`.\n\n`
  : `**redis-server not found: the Redis rows are pending.**\n\n`;

// ---- 3a. Maximum sustained rate: greedy callers through the LINE preset (2,000/s per endpoint). The first second
// spends the burst the bucket starts with; the rate is then counted over whole refill periods.
const SUSTAIN_ROUNDS = Math.min(ROUNDS, 3);
async function sustained(client, seconds = 3, concurrency = 32) {
  const call = () => client.GET("/v2/bot/list", { params: { query: { limit: 100 } } });
  let counting = false;
  let done = 0;
  const warmEnd = performance.now() + 1000;
  const end = warmEnd + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const { error } = await call();
        if (error) throw error;
        if (counting) done++;
        else if (performance.now() >= warmEnd) counting = true;
      }
    }),
  );
  return done / seconds;
}
const lineLocal = createLineClient({ channelAccessToken: TOKEN, baseUrl: base });
const lineRedis = redis
  ? createLineClient({ channelAccessToken: TOKEN, baseUrl: base, rateLimit: redisOption("bench-line") })
  : null;
const rate = { local: [], redis: [] };
for (let r = 0; r < SUSTAIN_ROUNDS; r++) {
  console.log(`  sustained rate, round ${r + 1} …`);
  rate.local.push(await sustained(lineLocal));
  if (lineRedis) rate.redis.push(await sustained(lineRedis));
}
md += `### Maximum sustained rate through the LINE preset (GET /v2/bot/list, 32 greedy callers, 1 s to spend the initial burst, then 3 s counted; ${SUSTAIN_ROUNDS} rounds)\n\n`;
md += "| limiter | req/s | vs the API's 2,000/s |\n|---|---|---|\n";
for (const [name, xs] of Object.entries(rate)) {
  if (!xs.length) {
    md += `| ${name} | pending (no redis-server) | |\n`;
    continue;
  }
  const s = stats(xs);
  data.sustained[name] = s.median;
  md += `| ${name === "local" ? "in-process (default)" : "Redis (`rateLimit.redis`)"} | ${fmt(s)} | ${((s.median / 2000) * 100).toFixed(1)} % |\n`;
  // The preset is the API's own limit, so a client that keeps up runs at 2,000/s give or take the calls in flight
  // at the ends of the counted span (±32 of 6,000): 1 % is that tolerance.
  targets.push({
    name: `LINE preset sustains ≥ 2,000 req/s (${name === "local" ? "in-process limiter" : "Redis limiter"}; 1 % tolerance for the calls in flight at the ends)`,
    measured: `${Math.round(s.median)} req/s median`,
    margin: `${(((s.median - 2000) / 2000) * 100).toFixed(1)} %`,
    met: s.median >= 1980,
  });
}

// ---- 3b. Added median latency under quota: one call at a time, the clients with and without limiter taking turns
// call by call, at a pace well inside every quota (a pause between rounds keeps LINE under 2,000 per second).
const LAT_CALLS = 300;
const lineOff = createLineClient({ channelAccessToken: TOKEN, baseUrl: base, rateLimit: false });
const raised = { classes: { default: { limit: 1e9 }, roomPost: { limit: 1e9 } } };
const cwOff = createChatworkClient({ token: TOKEN, baseUrl: `${base}/v2`, rateLimit: false });
const cwLocal = createChatworkClient({ token: TOKEN, baseUrl: `${base}/v2`, rateLimit: raised });
const cwRedis = redis
  ? createChatworkClient({
      token: TOKEN,
      baseUrl: `${base}/v2`,
      rateLimit: { ...raised, ...redisOption("bench-chatwork") },
    })
  : null;
const post = { params: { path: { room_id: 322 } }, body: { body: "了解しました。", self_unread: 0 } };
const latencyCases = [
  {
    name: "LINE getModules (class `default`, per endpoint)",
    call: (c) => c.GET("/v2/bot/list", { params: { query: { limit: 100 } } }),
    off: lineOff,
    local: lineLocal,
    redis: lineRedis,
  },
  {
    name: "Chatwork postMessage (classes `default` per token + `roomPost` per room; quotas raised)",
    call: (c) => c.POST("/rooms/{room_id}/messages", post),
    off: cwOff,
    local: cwLocal,
    redis: cwRedis,
  },
];
md += `\n### Added median latency under quota (${LAT_CALLS} sequential calls per client per round, the limited and the unlimited client taking turns call by call, which goes first alternating; each limiter measured against the limiter-off client in rounds of its own; ${ROUNDS} rounds)\n\n`;
md +=
  "| operation | limiter | limiter off: median ms | with the limiter: median ms | added (ms) |\n|---|---|---|---|---|\n";
for (const c of latencyCases) {
  for (const k of ["local", "redis"]) {
    const label = k === "local" ? "in-process" : "Redis";
    if (!c[k]) {
      md += `| ${c.name} | ${label} | pending (no redis-server) | | |\n`;
      continue;
    }
    console.log(`  added latency: ${c.name.split(" (")[0]}, ${label} …`);
    const pair = [
      ["off", c.off],
      [k, c[k]],
    ];
    for (const [, client] of pair) for (let i = 0; i < 100; i++) await c.call(client); // warm-up
    const medians = { off: [], [k]: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const samples = { off: [], [k]: [] };
      for (let i = 0; i < LAT_CALLS; i++) {
        for (let j = 0; j < 2; j++) {
          const [name, client] = pair[(i + j) % 2];
          const t = performance.now();
          const { error } = await c.call(client);
          samples[name].push(performance.now() - t);
          if (error) throw error;
        }
      }
      for (const name of Object.keys(samples)) medians[name].push(stats(samples[name]).median);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const added = stats(medians[k].map((m, i) => m - medians.off[i]));
    md += `| ${c.name} | ${label} | ${fmt(stats(medians.off), 3)} | ${fmt(stats(medians[k]), 3)} | ${fmt(added, 3)} |\n`;
    (data.added[k] ??= []).push({ operation: c.name.split(" (")[0], added: added.median });
    targets.push({
      name: `limiter adds < 0.2 ms median latency under quota: ${c.name.split(" (")[0]}, ${label}`,
      measured: `${added.median >= 0 ? "+" : ""}${added.median.toFixed(3)} ms`,
      margin: `${(0.2 - added.median).toFixed(3)} ms`,
      met: added.median < 0.2,
    });
  }
}
md += `\n"added" = the client's per-round median minus the limiter-off client's median in the same round (min / median / max over rounds).\n`;

// ---- 3c. Quota used and 429s against the enforcing server (Chatwork scaled: 300 per 3 s).
const LIMIT = 300;
const WINDOW_MS = 3000;
const QUOTA_ROUNDS = Math.min(ROUNDS, 3);
const quotaCases = [
  { name: "1 process, in-process limiter", processes: 1, redis: false },
  { name: "2 processes, in-process limiters (no Redis)", processes: 2, redis: false },
  { name: "2 processes, one quota through Redis", processes: 2, redis: true },
];
md += `\n### Quota used and 429s against an enforcing server (Chatwork scaled to ${LIMIT} requests per ${WINDOW_MS / 1000} s, fixed windows, x-ratelimit-* headers with the reset as Unix seconds; 8 greedy callers per process; 3 whole windows counted; ${QUOTA_ROUNDS} rounds)\n\n`;
md +=
  "| setup | quota used (accepted ÷ allowed in the counted windows) | 429s sent by the server per run | calls that ended with an error |\n|---|---|---|---|\n";
for (const q of quotaCases) {
  if (q.redis && !redis) {
    md += `| ${q.name} | pending (no redis-server) | | |\n`;
    continue;
  }
  console.log(`  quota: ${q.name} …`);
  const used = [];
  const rejected = [];
  const failed = [];
  for (let r = 0; r < QUOTA_ROUNDS; r++) {
    const server = await startServer("enforcing-server.mjs", [String(LIMIT), String(WINDOW_MS)]);
    const from = Date.now() + 1500; // the clients learn the server's window from its first answers
    const runUntil = (Math.ceil(from / WINDOW_MS) + 3) * WINDOW_MS;
    const config = {
      url: server.url,
      limit: LIMIT,
      windowMs: WINDOW_MS,
      runUntil,
      concurrency: 8,
      id: `bench-quota-${r}`,
    };
    if (q.redis) config.redisPort = redis.port;
    const outcomes = await Promise.all(
      Array.from({ length: q.processes }, () =>
        run(process.execPath, [path.join(here, "quota-worker.mjs"), JSON.stringify(config)]).then(({ stdout }) =>
          JSON.parse(stdout),
        ),
      ),
    );
    const counts = await server.ask({ from, to: runUntil });
    server.close();
    used.push(counts.accepted / counts.allowed);
    rejected.push(counts.rejected429);
    failed.push(outcomes.reduce((n, o) => n + o.rateLimited + o.failed, 0));
  }
  const u = stats(used.map((x) => x * 100));
  md += `| ${q.name} | ${fmt(u, 1)} % | ${fmt(stats(rejected))} | ${fmt(stats(failed))} |\n`;
  if (q.processes === 1 || q.redis) {
    targets.push({
      name: `enforcing server, ${q.name}: no 429 and ≥ 95 % of the quota used`,
      measured: `${u.median.toFixed(1)} % used, ${stats(rejected).median} × 429 (median)`,
      margin: `${u.median >= 95 ? "+" : ""}${(u.median - 95).toFixed(1)} pp`,
      met: u.median >= 95 && stats(rejected).max === 0,
    });
  }
}
md += `\nThe row without Redis and two processes shows what sharing prevents: each process believes it has the whole quota until the server's headers and 429s correct it.\n`;

await Promise.all([lineLocal, lineRedis, lineOff, cwOff, cwLocal, cwRedis].filter(Boolean).map((c) => c.close()));
loopback.close();
redis?.kill();
report({ title: "limiter", markdown: md, targets, data });
process.exit(0);
