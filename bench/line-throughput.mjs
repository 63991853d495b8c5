// LINE client throughput and added latency, side by side in one run against the same loopback server (another
// process): raw fetch, bare openapi-fetch, our client without limiter, and our client with the LINE preset
// (2,000 requests per second per endpoint). Each figure is min/median/max over several rounds.
import { fork } from "node:child_process";
import os from "node:os";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { createLineClient } from "../dist/src/line/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = 16;

const server = fork(path.join(here, "loopback-server.mjs"));
const port = await new Promise((resolve) => server.once("message", (m) => resolve(m.port)));
const base = `http://127.0.0.1:${port}`;

const bare = createClient({ baseUrl: base });
const ours = createLineClient({ channelAccessToken: "bench-token", baseUrl: base, rateLimit: false, retry: false });
const oursLimited = createLineClient({ channelAccessToken: "bench-token", baseUrl: base, retry: false });

const contenders = {
  "raw fetch": () => fetch(`${base}/v2/bot/list?limit=100`, { headers: { authorization: "Bearer bench-token" } }).then((r) => r.json()),
  "bare openapi-fetch": () => bare.GET("/v2/bot/list", { params: { query: { limit: 100 } }, headers: { authorization: "Bearer bench-token" } }),
  "bizchat LINE client, limiter off": () => ours.GET("/v2/bot/list", { params: { query: { limit: 100 } } }),
  "bizchat LINE client, LINE preset (2,000/s)": () => oursLimited.GET("/v2/bot/list", { params: { query: { limit: 100 } } }),
};

async function throughput(call) {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / SECONDS;
}

async function sequentialLatency(call, n = 300) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(n / 2)];
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const results = {};
for (const [name, call] of Object.entries(contenders)) {
  for (let i = 0; i < 200; i++) await call(); // warm-up
  const rps = [];
  const lat = [];
  for (let r = 0; r < ROUNDS; r++) {
    rps.push(await throughput(call));
    lat.push(await sequentialLatency(call));
  }
  results[name] = { rps: stats(rps), latency: stats(lat) };
  console.log(`${name}: ${Math.round(results[name].rps.median)} req/s median, ${results[name].latency.median.toFixed(3)} ms median sequential latency`);
}
server.kill();
ours.close();
oursLimited.close();

const fmt = (s, d = 0) => `${s.min.toFixed(d)} / ${s.median.toFixed(d)} / ${s.max.toFixed(d)}`;
const bareRps = results["bare openapi-fetch"].rps.median;
const bareLat = results["bare openapi-fetch"].latency.median;
let md = `### LINE client throughput (GET /v2/bot/list, ${CONCURRENCY} concurrent callers, ${SECONDS} s × ${ROUNDS} rounds)\n\n`;
md += `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}. Loopback server in a separate process.\n\n`;
md += "| client | req/s min / median / max | sequential latency ms min / median / max | throughput vs bare openapi-fetch | added median latency vs bare |\n|---|---|---|---|---|\n";
for (const [name, r] of Object.entries(results)) {
  md += `| ${name} | ${fmt(r.rps)} | ${fmt(r.latency, 3)} | ${(r.rps.median / bareRps).toFixed(2)}× | ${(r.latency.median - bareLat).toFixed(3)} ms |\n`;
}
const limited = results["bizchat LINE client, LINE preset (2,000/s)"].rps.median;
md += `\nWith the LINE preset the client sustained **${Math.round(limited)} req/s** on one endpoint (the API allows 2,000/s per endpoint): ${limited >= 1900 ? "the limiter, not the client, sets the pace" : "below the API's limit: the client is the bottleneck here"}.\n`;
export const markdown = md;
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log("\n" + md);
