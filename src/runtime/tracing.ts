// OpenTelemetry tracing, only where the application has `@opentelemetry/api` (an optional peer dependency): each
// call is one CLIENT span named `<provider> <operationId>` with the HTTP client attributes of the semantic
// conventions (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span), each retry an event
// on it, and the trace context injected into the request headers through the API's global propagator (W3C
// traceparent when the SDK registers it). Nothing is imported until an OpenTelemetry SDK has registered a tracer
// provider or a propagator (the API keeps them on a global symbol, readable without the API); the API is then
// imported once, on the first call that finds them. Without them a call costs one property read.
import type * as OpenTelemetry from "@opentelemetry/api";
import { redactUrl } from "./redact.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

type Api = typeof OpenTelemetry;

/** Where @opentelemetry/api 1.x keeps what an SDK registers (its internal/global-utils). */
const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

/** True once an SDK has registered a tracer provider or a propagator with @opentelemetry/api 1.x. */
export function tracerRegistered(): boolean {
  const registered = (globalThis as { [OTEL_GLOBAL]?: { trace?: unknown; propagation?: unknown } })[OTEL_GLOBAL];
  return registered !== undefined && (registered.trace !== undefined || registered.propagation !== undefined);
}

/** undefined: not tried yet; null: not installed (or tracing failed to load). */
let api: Api | null | undefined;
let loading: Promise<Api | null> | undefined;

/** Imports `@opentelemetry/api` once per process; resolves to null when it is not installed. */
export function loadTracingApi(): Promise<Api | null> {
  loading ??= import("@opentelemetry/api").then(
    (module) => (api = module),
    () => (api = null),
  );
  return loading;
}

/** The API if it was loaded, null if it cannot be, undefined before the first attempt. */
export function tracingApi(): Api | null | undefined {
  return api;
}

export interface SpanStart {
  provider: string;
  operationId: string;
  method: string;
  /** The spec's path template, e.g. `/rooms/{room_id}/messages`. */
  urlTemplate: string;
}

/** The span of one call, as the transport uses it (no OpenTelemetry type leaks out of this file). */
export interface CallSpan {
  /** Runs `fn` with the span as the active context, so instrumentation below it nests under the call. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Where the request goes (`scheme://host[:port]`, and the path and query as sent). */
  request(origin: string, path: string): void;
  /** Adds the trace context headers (e.g. `traceparent`) to the request. */
  inject(headers: Record<string, string>): void;
  retry(attempt: number, reason: string, delayMs: number): void;
  /** Ends the span with the last status (if any answer came), the error type (if the call failed) and attempts. */
  end(status: number | undefined, errorType: string | undefined, attempts: number): void;
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** A span for one call, or null when no tracer records and no trace context is to be passed on. */
export function startCallSpan(otel: Api, start: SpanStart): CallSpan | null {
  const tracer = otel.trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  const span = tracer.startSpan(`${start.provider} ${start.operationId}`, { kind: otel.SpanKind.CLIENT });
  const recording = span.isRecording();
  if (!recording && !otel.trace.isSpanContextValid(span.spanContext())) return null;
  if (recording) {
    span.setAttributes({
      "http.request.method": start.method,
      "url.template": start.urlTemplate,
      "bizchat.provider": start.provider,
      "bizchat.operation_id": start.operationId,
    });
  }
  const active = otel.trace.setSpan(otel.context.active(), span);
  return {
    run: (fn) => otel.context.with(active, fn),
    request(origin, path) {
      if (!recording) return;
      const url = new URL(origin);
      span.setAttributes({
        "url.full": redactUrl(origin + path),
        "server.address": url.hostname,
        "server.port": portOf(url),
      });
    },
    inject: (headers) => otel.propagation.inject(active, headers),
    retry(attempt, reason, delayMs) {
      span.addEvent("retry", {
        "bizchat.attempt": attempt,
        "bizchat.retry.reason": reason,
        "bizchat.retry.delay_ms": delayMs,
      });
    },
    end(status, errorType, attempts) {
      if (status !== undefined) span.setAttribute("http.response.status_code", status);
      if (attempts > 1) span.setAttribute("http.request.resend_count", attempts - 1);
      span.setAttribute("bizchat.attempt_count", attempts);
      if (errorType !== undefined) {
        span.setAttribute("error.type", errorType);
        span.setStatus({ code: otel.SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}
