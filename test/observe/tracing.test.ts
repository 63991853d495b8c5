// OpenTelemetry tracing with the SDK's in-memory exporter: one CLIENT span per call with the HTTP client
// attributes, retries as events, the error type, and the trace context the server received in `traceparent`.
import { AsyncLocalStorage } from "node:async_hooks";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type ContextManager,
  type TextMapPropagator,
} from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { refusedUrl } from "../support/raw-server.js";

/** W3C trace context injection (https://www.w3.org/TR/trace-context/#traceparent-header), as an SDK registers it. */
const w3c: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (!span || !trace.isSpanContextValid(span)) return;
    const flags = `0${(span.traceFlags & 1).toString(16)}`;
    setter.set(carrier, "traceparent", `00-${span.traceId}-${span.spanId}-${flags}`);
  },
  extract: (ctx) => ctx,
  fields: () => ["traceparent"],
};

/** The active context across awaits, as an SDK's AsyncLocalStorage context manager keeps it. */
function asyncContext(): ContextManager {
  const storage = new AsyncLocalStorage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(w3c);
  context.setGlobalContextManager(asyncContext());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

const TOKEN = "line-tracing-token-SECRET-1";
const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
let api: FaultServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
  exporter.reset();
});

describe("a span per call", () => {
  it("names the provider and operation, carries the HTTP client attributes, and propagates traceparent", async () => {
    api = await startFaultServer((_req, res) => json(res, 200, { bots: [] }));
    const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: api.url });
    await client.GET("/v2/bot/list");
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span!.name).toBe("line getModules");
    expect(span!.kind).toBe(SpanKind.CLIENT);
    const port = Number(new URL(api.url).port);
    expect(span!.attributes).toMatchObject({
      "http.request.method": "GET",
      "url.template": "/v2/bot/list",
      "url.full": `${api.url}/v2/bot/list`,
      "server.address": "127.0.0.1",
      "server.port": port,
      "http.response.status_code": 200,
      "bizchat.attempt_count": 1,
    });
    expect(span!.attributes["error.type"]).toBeUndefined();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    const { traceId, spanId } = span!.spanContext();
    expect(api.received[0]!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(JSON.stringify(span!.attributes)).not.toContain(TOKEN);
    await client.close();
  });

  it("each retry is an event; the attempt count and resend count; traceparent on every attempt", async () => {
    api = await startFaultServer((_req, res, i) => (i === 0 ? json(res, 503, {}) : json(res, 200, {})));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url, retry: FAST_RETRY });
    await client.GET("/me");
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe("chatwork getMe");
    expect(
      span!.events.map((e) => [e.name, e.attributes?.["bizchat.attempt"], e.attributes?.["bizchat.retry.reason"]]),
    ).toEqual([["retry", 1, "503"]]);
    expect(span!.attributes).toMatchObject({
      "http.response.status_code": 200,
      "bizchat.attempt_count": 2,
      "http.request.resend_count": 1,
    });
    const parents = api.received.map((r) => r.headers.traceparent);
    expect(parents).toHaveLength(2);
    expect(parents[0]).toBe(parents[1]);
    expect(parents[0]).toContain(span!.spanContext().spanId);
    await client.close();
  });

  it("an error status sets error.type to the status and the span status to ERROR", async () => {
    api = await startFaultServer((_req, res) => json(res, 404, { errors: ["no"] }));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    const { error } = await client.GET("/me");
    expect(error).toBeDefined();
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toMatchObject({ "http.response.status_code": 404, "error.type": "404" });
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    await client.close();
  });

  it("a failure without an answer sets error.type to the error class", async () => {
    const client = createChatworkClient({ token: TOKEN, baseUrl: await refusedUrl(), retry: false });
    await expect(client.GET("/me")).rejects.toThrow();
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes["error.type"]).toBe("NetworkError");
    expect(span!.attributes["http.response.status_code"]).toBeUndefined();
    await client.close();
  });

  it("nests under the caller's active span", async () => {
    api = await startFaultServer((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    const parent = trace.getTracer("test").startSpan("handle webhook");
    await context.with(trace.setSpan(context.active(), parent), () => client.GET("/me"));
    parent.end();
    const call = exporter.getFinishedSpans().find((s) => s.name === "chatwork getMe")!;
    expect(call.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(call.spanContext().traceId).toBe(parent.spanContext().traceId);
    await client.close();
  });

  it("tracing: false makes no span and sends no traceparent", async () => {
    api = await startFaultServer((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url, tracing: false });
    await client.GET("/me");
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(api.received[0]!.headers.traceparent).toBeUndefined();
    await client.close();
  });
});
