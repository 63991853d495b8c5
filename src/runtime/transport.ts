// The custom fetch handed to openapi-fetch for one call: auth → limiter → attempt (with time-out) → retry.
// Retries live here, not in middleware: a custom fetch runs once per logical call (shared/reference/tooling.md §1).
import { BizchatError, NetworkError, TimeoutError, type Provider } from "./errors.js";
import { readRateLimitHeaders, type RateLimitHeaderSpec, type RateLimiter, type LimitedCall } from "./limiter.js";
import {
  backoffMs,
  mayRetryNetworkError,
  mayRetryStatus,
  networkErrorCode,
  retryAfterMs,
  sleep,
  type RetryOptions,
} from "./retry.js";

export interface CallOperation {
  method: string;
  rateLimit: readonly string[];
  idempotent: boolean;
  idempotencyHeader: string | null;
}

export interface TransportContext {
  provider: Provider;
  operationId: string;
  operation: CallOperation;
  pathParams: Record<string, unknown>;
  fetch: typeof globalThis.fetch;
  limiter: RateLimiter | null;
  retry: Required<RetryOptions> | null;
  timeoutMs: number | undefined;
  deadlineMs: number | undefined;
  rateLimitHeaders: RateLimitHeaderSpec | null;
  /** Headers of the operation's security scheme, fetched per attempt so a refreshed token is used. */
  authHeaders: () => Promise<Record<string, string>>;
  /** Asked once per call on 401/403: true when credentials were renewed and the request should be sent again. */
  onUnauthorized?: ((response: Response) => Promise<boolean>) | undefined;
}

function anySignal(signals: (AbortSignal | undefined | null)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => Boolean(s));
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

export function createCallFetch(ctx: TransportContext) {
  return async function callFetch(request: Request): Promise<Response> {
    // Buffer the body once so every attempt sends a fresh, identical copy (bodies are single-use streams).
    const body = request.body ? await request.arrayBuffer() : undefined;
    const callerSignal = request.signal;
    const deadlineSignal = ctx.deadlineMs ? AbortSignal.timeout(ctx.deadlineMs) : undefined;
    const waitSignal = anySignal([callerSignal, deadlineSignal]);
    const idempotent =
      ctx.operation.idempotent || (ctx.operation.idempotencyHeader !== null && request.headers.has(ctx.operation.idempotencyHeader));
    const maxAttempts = ctx.retry?.maxAttempts ?? 1;
    const call: LimitedCall = { operationId: ctx.operationId, classes: ctx.operation.rateLimit, pathParams: ctx.pathParams, signal: waitSignal ?? null };
    let authRetried = false;
    const startedAt = Date.now();

    for (let attempt = 1; ; attempt++) {
      const headers = new Headers(request.headers);
      for (const [name, value] of Object.entries(await ctx.authHeaders())) headers.set(name, value);
      let timeoutSignal: AbortSignal | undefined;

      const send = () => {
        timeoutSignal = ctx.timeoutMs ? AbortSignal.timeout(ctx.timeoutMs) : undefined;
        const signal = anySignal([callerSignal, deadlineSignal, timeoutSignal]);
        return ctx.fetch(new Request(request.url, { method: request.method, headers, body: body ?? null, ...(signal ? { signal } : {}) }));
      };

      const canRetry = (retryable: boolean) => ctx.retry !== null && retryable && attempt < maxAttempts;
      let response: Response;
      try {
        response = ctx.limiter ? await ctx.limiter.schedule(call, send) : await send();
      } catch (error) {
        if (callerSignal.aborted) throw callerSignal.reason;
        // The limiter's own verdicts (e.g. RateLimiterUnavailableError): nothing was sent.
        if (error instanceof BizchatError) throw error;
        const base = { provider: ctx.provider, operationId: ctx.operationId, request, cause: error };
        if (deadlineSignal?.aborted) {
          throw new TimeoutError(`${ctx.operationId}: no answer within the ${ctx.deadlineMs} ms deadline`, { ...base, timeoutMs: ctx.deadlineMs! });
        }
        if (timeoutSignal?.aborted) {
          // A POST that timed out may have been processed: only idempotent calls are tried again.
          if (canRetry(idempotent)) {
            await sleep(backoffMs(attempt, ctx.retry!), waitSignal);
            continue;
          }
          throw new TimeoutError(`${ctx.operationId}: attempt ${attempt} got no answer within ${ctx.timeoutMs} ms`, {
            ...base,
            timeoutMs: ctx.timeoutMs!,
            retryable: idempotent,
          });
        }
        const code = networkErrorCode(error);
        if (canRetry(mayRetryNetworkError(code, idempotent))) {
          await sleep(backoffMs(attempt, ctx.retry!), waitSignal);
          continue;
        }
        throw new NetworkError(`${ctx.operationId}: connection failed${code ? ` (${code})` : ""} after ${attempt} attempt(s)`, {
          ...base,
          ...(code ? { code } : {}),
          retryable: mayRetryNetworkError(code, idempotent),
        });
      }

      const now = Date.now();
      const reading = readRateLimitHeaders(response.headers, ctx.rateLimitHeaders, now);
      const retryAfter = retryAfterMs(response.headers, now);
      const retryAt =
        response.status === 429
          ? retryAfter !== undefined
            ? now + retryAfter
            : reading.resetAt && reading.resetAt.getTime() > now
              ? reading.resetAt.getTime() + 250
              : now + 1000
          : undefined;
      ctx.limiter?.observe(call, reading, response.status, retryAt);

      if ((response.status === 401 || response.status === 403) && ctx.onUnauthorized && !authRetried) {
        if (await ctx.onUnauthorized(response.clone())) {
          authRetried = true;
          attempt--;
          await response.body?.cancel();
          continue;
        }
      }

      if (canRetry(mayRetryStatus(response.status, idempotent))) {
        // With a limiter the next attempt waits in it until the window resets; without one, wait here.
        const wait =
          response.status === 429
            ? ctx.limiter
              ? 0
              : Math.max(0, retryAt! - now)
            : Math.max(retryAfter ?? 0, backoffMs(attempt, ctx.retry!));
        const deadlineLeft = ctx.deadlineMs === undefined ? Infinity : ctx.deadlineMs - (now - startedAt);
        if (wait < deadlineLeft) {
          await response.body?.cancel();
          await sleep(wait, waitSignal);
          continue;
        }
      }
      return response;
    }
  };
}
