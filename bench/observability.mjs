// 5. What observing a call costs: the same client with nothing observing it, with a listener on every event, with
// each call traced by the OpenTelemetry SDK (batched to an exporter that drops the spans, so the cost measured is
// the client's and the SDK's span work, not an exporter's I/O), with both, and with one no-op middleware. Measured
// side by side in one run against the loopback server; the cost is reported as client CPU per call above "off".
import { propagation, trace } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createChatworkClient } from "../dist/src/chatwork/index.js";
import { createLineClient } from "../dist/src/line/index.js";
import { compare, fmt, report, ROUNDS, SECONDS, startServer, stats, throughput } from "./lib.mjs";

const CONCURRENCY = 16;
const TOKEN = "bench-token";
const EVENTS = ["request", "response", "retry", "rateLimitWait", "tokenRenewal", "error"];

// The SDK as an application registers it: a tracer provider with a batching processor, and a W3C propagator.
const dropAll = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined };
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] });
trace.setGlobalTracerProvider(provider);
propagation.setGlobalPropagator({
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (span) setter.set(carrier, "traceparent", `00-${span.traceId}-${span.spanId}-0${span.traceFlags & 1}`);
  },
  extract: (ctx) => ctx,
  fields: () => ["traceparent"],
});

const server = await startServer("loopback-server.mjs");
const base = server.url;
let delivered = 0;
const listenAll = (client) => {
  for (const name of EVENTS) client.on(name, () => delivered++);
  return client;
};
const withMiddleware = (client) => {
  client.use({ onRequest: () => undefined });
  return client;
};

const OFF = "off (no listener, tracing: false)";
const EVENTS_ON = "events on (a listener on each of the 6 events)";
const TRACING_ON = "tracing on (OpenTelemetry SDK, batched spans)";
const BOTH = "events and tracing on";
const MIDDLEWARE = "one no-op middleware (onRequest)";

function contendersFor(create, call) {
  const clients = {
    [OFF]: create({ tracing: false }),
    [EVENTS_ON]: listenAll(create({ tracing: false })),
    [TRACING_ON]: create({}),
    [BOTH]: listenAll(create({})),
    [MIDDLEWARE]: withMiddleware(create({ tracing: false })),
  };
  const ok = (result) => {
    if (result.error) throw new Error(`benchmark call failed: ${result.error.message}`);
  };
  return {
    clients: Object.values(clients),
    contenders: Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, () => call(c).then(ok)])),
  };
}

const rateLimit = { classes: { default: { limit: 1e9 }, roomPost: { limit: 1e9 } } };
const operations = [
  {
    label: "LINE getModules — GET /v2/bot/list?limit=100",
    ...contendersFor(
      (o) => createLineClient({ channelAccessToken: TOKEN, baseUrl: base, rateLimit, ...o }),
      (c) => c.GET("/v2/bot/list", { params: { query: { limit: 100 } } }),
    ),
  },
  {
    label: "Chatwork postMessage — POST /rooms/{room_id}/messages",
    ...contendersFor(
      (o) => createChatworkClient({ token: TOKEN, baseUrl: `${base}/v2`, rateLimit, ...o }),
      (c) => c.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 322 } }, body: { body: "hi" } }),
    ),
  },
];

const paired = (a, b, m) => stats(a[m].values.map((x, i) => x / b[m].values[i])).median;
const pairedDiff = (a, b, m) => stats(a[m].values.map((x, i) => x - b[m].values[i])).median;

let md = `## 5. Events, tracing and middleware\n\n`;
md += `What observing a call costs, on the full stack (defaults, limiter quotas raised so they never bind): ${CONCURRENCY} concurrent `;
md += `callers for ${SECONDS} s per round, ${ROUNDS} rounds, the rows interleaved within each round. "Tracing on" registers the `;
md += `OpenTelemetry SDK (\`BasicTracerProvider\` with a \`BatchSpanProcessor\` whose exporter drops the spans, and a W3C `;
md += `propagator), so each call is a recorded span with its attributes and a \`traceparent\` header. "Off" passes \`tracing: false\`; `;
md += `a client whose process has no SDK registered takes the same path (one global lookup per call, @opentelemetry/api never imported). `;
md += `The "added" columns are medians of the per-round differences and ratios against "off".\n\n`;
const data = [];
for (const op of operations) {
  console.log(`  ${op.label} …`);
  const results = await compare(op.contenders, {
    throughput: async (call) => {
      const { rps, cpu } = await throughput(call, { concurrency: CONCURRENCY });
      return { rps, cpu };
    },
  });
  const off = results[OFF];
  md += `### ${op.label}\n\n| client | req/s | client CPU µs per call | CPU µs added per call | CPU vs off | req/s vs off |\n|---|---|---|---|---|---|\n`;
  const rows = {};
  for (const [name, r] of Object.entries(results)) {
    const added = pairedDiff(r, off, "cpu");
    rows[name] = { cpu: r.cpu.median, rps: r.rps.median, addedCpu: added, cpuRatio: paired(r, off, "cpu") };
    md += `| ${name} | ${fmt(r.rps)} | ${fmt(r.cpu)} | ${name === OFF ? "—" : added.toFixed(1)} | ${paired(r, off, "cpu").toFixed(2)}× | ${paired(r, off, "rps").toFixed(2)}× |\n`;
  }
  md += "\n";
  data.push({ operation: op.label, rows });
}
md += `Listener calls delivered during the run: ${delivered.toLocaleString("en-US")} (the listeners did run).\n`;

server.close();
await Promise.all(operations.flatMap((op) => op.clients.map((c) => c.close())));
await provider.shutdown();
report({ title: "observability", markdown: md, targets: [], data });
process.exit(0);
