// Step 3 of a call: send it, attempt after attempt. Each attempt takes the current credentials and a limiter slot,
// goes out through the client's sender (undici on Node, fetch elsewhere), and the retry decision says whether to
// wait and send again. Retries live here, once per logical call; the last answer, or a typed error, comes back.
import { NetworkError, ResponseValidationError, TimeoutError, type Provider } from "./errors.js";
import type { TokenRenewalReason } from "./events.js";
import { readRateLimitHeaders, type LimitedCall, type RateLimitHeaderSpec, type RateLimiter } from "./limiter.js";
import { exchangeThroughMiddleware, type MiddlewareCall, type MiddlewareStack } from "./middleware.js";
import type { ObservedCall } from "./observer.js";
import { sentRequest, type OperationPlan, type OutgoingRequest } from "./prepare.js";
import {
  mayRetryNetworkError,
  retryAfterMs,
  retryAtOf,
  retryDecision,
  sleep,
  type AttemptOutcome,
  type RetryOptions,
} from "./retry.js";
import { AttemptFailure, type Answer, type AttemptLimits, type Sender } from "./sender.js";
import { bothSignals } from "./timers.js";

/** What the transport needs of the client, fixed when the client is made. */
export interface TransportContext {
  provider: Provider;
  limiter: RateLimiter | null;
  retry: Required<RetryOptions> | null;
  timeoutMs: number;
  deadlineMs: number | undefined;
  maxResponseBytes: number;
  rateLimitHeaders: RateLimitHeaderSpec | null;
  /** Headers of the operation's security scheme, asked per attempt so a refreshed token is used. */
  authHeaders(plan: OperationPlan): Record<string, string> | Promise<Record<string, string>>;
  /** Asked once per call on 401/403: true when credentials were renewed and the request should be sent again. */
  onUnauthorized: ((response: Response) => Promise<boolean>) | undefined;
  sender(): Sender | Promise<Sender>;
  middleware: MiddlewareStack;
  /** Why the next credentials will need a new token (null: the cached one serves), for the tokenRenewal event. */
  tokenRenewalReason: (() => TokenRenewalReason | null) | undefined;
}

/** One call as the transport sees it. */
export interface CallState {
  plan: OperationPlan;
  request: OutgoingRequest;
  /** The caller's signal, if any. */
  signal: AbortSignal | undefined;
  /** Safe to send twice: the operation is idempotent, or carries the provider's idempotency header. */
  idempotent: boolean;
  pathParams: Record<string, unknown>;
  /** Attempts sent so far (`error.attempts`). */
  attempts: number;
  /** Set when someone listens to the client's events or a tracer records: the steps report to it. */
  observed?: ObservedCall | undefined;
  /** Set when the client has middleware: what its callbacks get besides the request. */
  middleware?: MiddlewareCall | undefined;
}

/** Waits for `value` unless `signal` aborts first (then rejects with the signal's reason). */
function unlessAborted<T>(value: T | Promise<T>, signal: AbortSignal | undefined): T | Promise<T> {
  if (!signal || !(value instanceof Promise)) return value;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    value.then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as the source rejected
        reject(error);
      },
    );
  });
}

function tooLargeError(ctx: TransportContext, operationId: string) {
  return (status: number, bytes: number) =>
    new ResponseValidationError(operationId, ctx.provider, status, [
      {
        location: "response",
        field: "response",
        pointer: "",
        rule: "maxBytes",
        params: { limit: ctx.maxResponseBytes, bytes },
        message: `is larger than maxResponseBytes (${ctx.maxResponseBytes} bytes); it was not read`,
      },
    ]);
}

/** Puts the current credentials on the request (in place: the request belongs to this call). */
function addCredentials(
  ctx: TransportContext,
  state: CallState,
  limits: AttemptLimits,
  deadline: AbortSignal | undefined,
): void | Promise<void> {
  const renewal = state.observed && ctx.tokenRenewalReason?.();
  const auth = ctx.authHeaders(state.plan);
  // Fixed credentials are known at once: only a token that must be fetched is waited for.
  if (!(auth instanceof Promise) && !renewal) return putCredentials(state, limits, auth);
  return awaitCredentials(ctx, state, limits, deadline, auth, renewal);
}

function putCredentials(state: CallState, limits: AttemptLimits, auth: Record<string, string>): void {
  for (const name in auth) state.request.headers[name.toLowerCase()] = auth[name]!;
  if (limits.credentialHeaders.length === 0) limits.credentialHeaders = Object.keys(auth);
}

async function awaitCredentials(
  ctx: TransportContext,
  state: CallState,
  limits: AttemptLimits,
  deadline: AbortSignal | undefined,
  pending: Record<string, string> | Promise<Record<string, string>>,
  renewal: TokenRenewalReason | null | undefined,
): Promise<void> {
  const renewalStartedAt = renewal ? performance.now() : 0;
  let auth: Record<string, string>;
  try {
    // A token provider that hangs must not outlive the caller's signal or the deadline.
    auth = await unlessAborted(pending, limits.signal);
  } catch (error) {
    if (state.signal?.aborted) throw state.signal.reason;
    if (deadline?.aborted) throw deadlineError(ctx, state, " (waiting for credentials)", error, true);
    throw error;
  }
  if (renewal) state.observed!.tokenRenewal(renewal, performance.now() - renewalStartedAt);
  putCredentials(state, limits, auth);
}

function deadlineError(ctx: TransportContext, state: CallState, what: string, cause: unknown, retryable = false) {
  return new TimeoutError(`${state.plan.operationId}: no answer within the ${ctx.deadlineMs} ms deadline${what}`, {
    provider: ctx.provider,
    operationId: state.plan.operationId,
    request: sentRequest(state.request),
    timeoutMs: ctx.deadlineMs!,
    retryable,
    cause,
  });
}

/** The error a failed last attempt ends the call with. */
function failureError(ctx: TransportContext, state: CallState, failure: AttemptFailure, attempt: number) {
  const base = {
    provider: ctx.provider,
    operationId: state.plan.operationId,
    request: sentRequest(state.request),
    cause: failure.cause,
  };
  if (failure.kind === "timeout") {
    // A POST that timed out may have been processed: only idempotent calls may be tried again.
    return new TimeoutError(`${state.plan.operationId}: attempt ${attempt} got no answer within ${ctx.timeoutMs} ms`, {
      ...base,
      timeoutMs: ctx.timeoutMs,
      retryable: state.idempotent,
    });
  }
  const code = failure.code;
  return new NetworkError(
    `${state.plan.operationId}: connection failed${code ? ` (${code})` : ""} after ${attempt} attempt(s)`,
    { ...base, ...(code ? { code } : {}), retryable: mayRetryNetworkError(code, state.idempotent) },
  );
}

/** One attempt, holding a limiter slot for the whole exchange (body included). */
function sendAttempt(ctx: TransportContext, state: CallState, limits: AttemptLimits, call: LimitedCall) {
  const loading = ctx.sender();
  // The Node sender is imported on the first call; afterwards it is at hand and the attempt starts in this tick.
  if (loading instanceof Promise) return loading.then((sender) => attemptWith(sender, ctx, state, limits, call));
  return attemptWith(loading, ctx, state, limits, call);
}

function attemptWith(
  sender: Sender,
  ctx: TransportContext,
  state: CallState,
  limits: AttemptLimits,
  call: LimitedCall,
): Promise<Answer> {
  const exchange = () => {
    state.attempts++;
    state.observed?.attemptStart(limits.credentialHeaders);
    const middleware = ctx.middleware.list;
    if (!middleware.length || !state.middleware) return sender.send(state.request, limits);
    const hidden = new Set(limits.credentialHeaders.map((name) => name.toLowerCase()));
    return exchangeThroughMiddleware(middleware, state.middleware, state.request, hidden, (request) =>
      sender.send(request, limits),
    );
  };
  return ctx.limiter ? ctx.limiter.schedule(call, exchange, state.observed?.rateLimitWait) : exchange();
}

/** Sends the call until it has an answer to return, retrying where the retry decision allows. */
export async function sendWithRetries(ctx: TransportContext, state: CallState): Promise<Answer> {
  const deadline = ctx.deadlineMs ? AbortSignal.timeout(ctx.deadlineMs) : undefined;
  const signal = bothSignals(state.signal, deadline);
  const limits: AttemptLimits = {
    timeoutMs: ctx.timeoutMs,
    maxResponseBytes: ctx.maxResponseBytes,
    signal,
    credentialHeaders: [],
    tooLarge: tooLargeError(ctx, state.plan.operationId),
  };
  const call: LimitedCall = {
    operationId: state.plan.operationId,
    classes: state.plan.row.rateLimit,
    pathParams: state.pathParams,
    signal: signal ?? null,
  };
  const startedAt = Date.now();
  let authRetried = false;
  for (let attempt = 1; ; attempt++) {
    const crediting = addCredentials(ctx, state, limits, deadline);
    if (crediting) await crediting;
    let answer: Answer;
    try {
      answer = await sendAttempt(ctx, state, limits, call);
    } catch (error) {
      if (state.signal?.aborted) throw state.signal.reason;
      if (deadline?.aborted) throw deadlineError(ctx, state, "", error);
      // The limiter's own verdicts (e.g. RateLimiterUnavailableError) and typed answers pass through.
      if (!(error instanceof AttemptFailure)) throw error;
      const outcome = outcomeOfFailure(error);
      const wait = retryDecision(outcome, attempt, ctx.retry, state.idempotent, 0, Infinity);
      if (wait === null) throw failureError(ctx, state, error, attempt);
      state.observed?.retry(outcome, wait);
      await pause(ctx, state, wait, signal, deadline);
      continue;
    }

    state.observed?.attemptEnd(answer);
    const now = Date.now();
    const reading = readRateLimitHeaders(answer.headers, ctx.rateLimitHeaders, now);
    const retryAt = retryAtOf(answer.status, retryAfterMs(answer.headers, now), reading.resetAt, now);
    ctx.limiter?.observe(call, reading, answer.status, retryAt);

    if ((answer.status === 401 || answer.status === 403) && ctx.onUnauthorized && !authRetried) {
      if (await ctx.onUnauthorized(answer.toResponse())) {
        authRetried = true;
        attempt--;
        continue;
      }
    }
    const outcome: AttemptOutcome = { kind: "answer", status: answer.status, headers: answer.headers, retryAt };
    const deadlineLeft = ctx.deadlineMs === undefined ? Infinity : ctx.deadlineMs - (now - startedAt);
    const wait = retryDecision(outcome, attempt, ctx.retry, state.idempotent, now, deadlineLeft);
    if (wait === null) return answer;
    state.observed?.retry(outcome, wait);
    await pause(ctx, state, wait, signal, deadline);
  }
}

function outcomeOfFailure(failure: AttemptFailure): AttemptOutcome {
  return failure.kind === "timeout" ? { kind: "timeout" } : { kind: "network", code: failure.code };
}

/** The wait before the next attempt, cut short by the caller's signal or the deadline. */
async function pause(
  ctx: TransportContext,
  state: CallState,
  ms: number,
  signal: AbortSignal | undefined,
  deadline: AbortSignal | undefined,
): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch (error) {
    if (state.signal?.aborted) throw state.signal.reason;
    if (deadline?.aborted) throw deadlineError(ctx, state, "", error);
    throw error;
  }
}
