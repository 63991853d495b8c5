// Turns the step boundaries of a call (attempt start and end, retry decision, limiter wait, token renewal, the
// end of the call) into events for the client's listeners and into the call's span. A call is observed only when
// someone listens or a tracer records when it starts; otherwise the transport finds no observer on the call and
// skips every hook.
import { BizchatError, type Provider } from "./errors.js";
import {
  describeRetryReason,
  type CallEventBase,
  type ClientEventHub,
  type RetryReason,
  type TokenRenewalReason,
} from "./events.js";
import type { LimiterWait } from "./limiter.js";
import type { OperationPlan, OutgoingRequest } from "./prepare.js";
import { redactHeaders, redactUrl, REDACTED } from "./redact.js";
import type { AttemptOutcome } from "./retry.js";
import type { Answer } from "./sender.js";
import { loadTracingApi, startCallSpan, tracerRegistered, tracingApi, type CallSpan } from "./tracing.js";

export interface ObserverOptions {
  provider: Provider;
  hub: ClientEventHub;
  /** `tracing: false` never loads OpenTelemetry. */
  tracing: boolean;
  requestIdHeader: string | undefined;
}

function reasonOf(outcome: AttemptOutcome): RetryReason {
  if (outcome.kind === "answer") return { kind: "status", status: outcome.status };
  return outcome.kind === "timeout" ? { kind: "timeout" } : { kind: "network", code: outcome.code };
}

/** One observed call: what the transport reports to, step by step. */
export class ObservedCall {
  /** Sends so far (1 during the first attempt). */
  attempt = 0;
  private attemptStartedAt = 0;
  private request: OutgoingRequest | undefined;
  private credentialHeaders: readonly string[] = [];
  lastStatus: number | undefined;

  constructor(
    private readonly options: ObserverOptions,
    private readonly plan: OperationPlan,
    readonly span: CallSpan | null,
  ) {}

  /** The redacted URL, worked out once per call (the request's URL is fixed once the call is built). */
  private url: string | undefined;

  private base(): CallEventBase {
    const request = this.request;
    const target = this.plan.target;
    this.url ??= redactUrl(request ? request.origin + request.path : `${target?.origin ?? ""}${this.plan.row.path}`);
    return {
      provider: this.options.provider,
      operationId: this.plan.operationId,
      method: this.plan.method,
      url: this.url,
      attempt: this.attempt,
    };
  }

  /** The request of the call is built: the trace context goes into its headers. */
  begin(request: OutgoingRequest): void {
    this.request = request;
    this.url = undefined;
    this.span?.request(request.origin, request.path);
    this.span?.inject(request.headers);
  }

  /** An attempt starts, with the credentials (named by `credentialHeaders`) on the request. */
  attemptStart(credentialHeaders: readonly string[]): void {
    this.attempt++;
    this.credentialHeaders = credentialHeaders;
    this.attemptStartedAt = performance.now();
    this.options.hub.emit("request", () => ({ ...this.base(), headers: this.redactedHeaders() }));
  }

  private redactedHeaders(): Record<string, string> {
    const headers = redactHeaders(this.request?.headers);
    for (const name of this.credentialHeaders)
      if (name.toLowerCase() in headers) headers[name.toLowerCase()] = REDACTED;
    return headers;
  }

  attemptEnd(answer: Answer): void {
    this.lastStatus = answer.status;
    const header = this.options.requestIdHeader;
    this.options.hub.emit("response", () => ({
      ...this.base(),
      status: answer.status,
      elapsedMs: performance.now() - this.attemptStartedAt,
      requestId: header ? (answer.headers.get(header) ?? undefined) : undefined,
    }));
  }

  retry(outcome: AttemptOutcome, delayMs: number): void {
    const reason = reasonOf(outcome);
    this.span?.retry(this.attempt, describeRetryReason(reason), delayMs);
    this.options.hub.emit("retry", () => ({ ...this.base(), reason, delayMs }));
  }

  rateLimitWait = (wait: LimiterWait): void => {
    // Reported before attemptStart: the wait belongs to the attempt about to start.
    this.options.hub.emit("rateLimitWait", () => ({ ...this.base(), attempt: this.attempt + 1, ...wait }));
  };

  tokenRenewal(reason: TokenRenewalReason, durationMs: number): void {
    this.options.hub.emit("tokenRenewal", () => ({ ...this.base(), attempt: this.attempt + 1, reason, durationMs }));
  }

  /** The call ended: with a result whose `error` may be set, or with a thrown error. */
  end(error: unknown): void {
    if (error instanceof BizchatError) this.options.hub.emit("error", () => ({ ...this.base(), error }));
    this.span?.end(this.lastStatus, errorTypeOf(error, this.lastStatus), this.attempt);
  }
}

/**
 * The span's `error.type`: the status when the error is the last answer's (>= 400), else the error's name
 * (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span).
 */
function errorTypeOf(error: unknown, status: number | undefined): string | undefined {
  if (error === undefined) return undefined;
  if (status !== undefined && status >= 400 && (error as { status?: number }).status === status) return String(status);
  return error instanceof Error ? error.name : "_OTHER";
}

/** Decides per call whether it is observed. */
export class CallObserver {
  constructor(private readonly options: ObserverOptions) {}

  /** Whether calls may be traced: tracing is on, an SDK registered with the API, and the API can be loaded. */
  private get tracing(): boolean {
    return this.options.tracing && tracingApi() !== null && tracerRegistered();
  }

  /** Whether a call starting now is observed: someone listens, or a tracer may record it. */
  get engaged(): boolean {
    return this.options.hub.count > 0 || this.tracing;
  }

  /** Runs one call observed: events and its span from start to end (the API imported first, once, if needed). */
  async run<R extends { error?: unknown }>(
    plan: OperationPlan,
    send: (observed: ObservedCall | undefined) => Promise<R>,
  ): Promise<R> {
    if (this.tracing && tracingApi() === undefined) await loadTracingApi();
    const observed = this.observe(plan);
    if (!observed) return send(undefined);
    const run = () => send(observed);
    try {
      const result = await (observed.span ? observed.span.run(run) : run());
      observed.end(result.error);
      return result;
    } catch (error) {
      observed.end(error);
      throw error;
    }
  }

  /** An observer for a call that starts now, or undefined when nobody listens and nothing traces. */
  private observe(plan: OperationPlan): ObservedCall | undefined {
    const otel = this.tracing ? tracingApi() : null;
    const span = otel
      ? startCallSpan(otel, {
          provider: this.options.provider,
          operationId: plan.operationId,
          method: plan.method,
          urlTemplate: plan.row.path,
        })
      : null;
    if (!span && this.options.hub.count === 0) return undefined;
    return new ObservedCall(this.options, plan, span);
  }
}
