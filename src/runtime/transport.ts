// The custom fetch handed to openapi-fetch for one call: auth → limiter → attempt (with time-out) → retry.
// Retries live here, not in middleware: a custom fetch runs once per logical call (shared/reference/tooling.md §1).
import { BizchatError, NetworkError, ResponseValidationError, TimeoutError, type Provider } from "./errors.js";
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
  authHeaders: () => Record<string, string> | Promise<Record<string, string>>;
  /** Asked once per call on 401/403: true when credentials were renewed and the request should be sent again. */
  onUnauthorized?: ((response: Response) => Promise<boolean>) | undefined;
  /** A larger answer is abandoned with ResponseValidationError (rule `maxBytes`) instead of being buffered. */
  maxResponseBytes: number;
  /**
   * Set when the client parses success bodies itself: a 2xx answer is then handed back as it came (its body read)
   * and its bytes go here, sparing a copy of the Response and a second read of the body.
   */
  onSuccessBody?: ((bytes: Uint8Array) => void) | undefined;
}

const NO_BYTES = new Uint8Array(0);

/**
 * Reads the whole body inside the attempt, under its time limits: a reset mid-body, a body still arriving after
 * timeoutMs / deadlineMs, or one over maxResponseBytes is then this attempt's typed failure (retried where safe),
 * not an untyped error thrown later while openapi-fetch parses. The copy keeps status, headers and URL; with
 * `onSuccessBody`, a 2xx answer is handed back as it came instead and its bytes reported.
 */
async function readWhole(
  response: Response,
  maxBytes: number,
  tooLarge: (status: number, bytes: number) => Error,
  onSuccessBody: ((bytes: Uint8Array) => void) | undefined,
): Promise<Response> {
  const stream = response.body;
  if (stream === null) {
    if (onSuccessBody && response.ok) onSuccessBody(NO_BYTES);
    return response;
  }
  const declared = response.headers.get("content-length");
  let bytes: Uint8Array;
  if (declared !== null && Number.isFinite(Number(declared))) {
    // The length is framed by the HTTP layer: the body cannot grow past it.
    if (onSuccessBody && response.ok && Number(declared) === 0) {
      // Nothing to read: handed back unread, as openapi-fetch leaves an empty body.
      onSuccessBody(NO_BYTES);
      return response;
    }
    if (Number(declared) > maxBytes) {
      await stream.cancel();
      throw tooLarge(response.status, Number(declared));
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(response.status, total);
      }
      chunks.push(value);
    }
    bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  }
  if (onSuccessBody && response.ok) {
    onSuccessBody(bytes);
    return response;
  }
  const copy = new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

/** Waits for `value` unless `signal` aborts first (then rejects with the signal's reason). */
function unlessAborted<T>(value: T | Promise<T>, signal: AbortSignal | undefined): T | Promise<T> {
  if (!signal || !(value instanceof Promise)) return value;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    value.then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Node's fetch as loaded, to tell it from an injected one or a test stub installed later. */
const nativeFetch = globalThis.fetch;

const PREPARED_INIT = new Set(["method", "headers", "body", "signal", "redirect"]);

function reusableBody(body: unknown): boolean {
  return (
    typeof body === "string" ||
    body instanceof URLSearchParams ||
    body instanceof FormData ||
    body instanceof Blob ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  );
}

/**
 * What openapi-fetch builds for a call (its `Request` option), kept as URL and init. A real Request costs an
 * AbortController and a body stream per call, which the transport would only take apart again: it sends every
 * attempt itself, from the URL, the headers and the serialized body (a string, form or blob can be sent again as
 * is; FormData gets its boundary per attempt, as no Content-Type is set for it). Anything a plain call does not
 * use (another init option, a stream body, a URL or method/body pair a Request refuses) gets a real Request, so
 * such calls behave, and fail, exactly as before.
 */
export class PreparedRequest {
  readonly url!: string;
  readonly method!: string;
  readonly headers!: Headers;
  readonly body!: BodyInit | null;
  /** The caller's own signal; null when none was given (a real Request's never-aborted signal need not be followed). */
  readonly signal!: AbortSignal | null;

  constructor(url: string, init: RequestInit) {
    const { method = "GET", headers, body = null, signal = null, redirect = "follow" } = init;
    const plain =
      headers instanceof Headers &&
      redirect === "follow" &&
      (signal === null || signal instanceof AbortSignal) &&
      (body === null || (reusableBody(body) && method !== "GET" && method !== "HEAD")) &&
      Object.keys(init).every((key) => PREPARED_INIT.has(key)) &&
      URL.canParse(url);
    if (!plain) return new Request(url, init);
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.body = body;
    this.signal = signal;
  }
}

interface AttemptTimeout {
  signal: AbortSignal;
  clear(): void;
}

/**
 * What AbortSignal.timeout gives (a signal aborted with a "TimeoutError" DOMException by a timer that does not keep
 * the process alive), from a controller and a timer the attempt clears as soon as it is over: AbortSignal.timeout
 * costs about three times as much per call and leaves its timer pending until it fires or the signal is collected.
 */
function attemptTimeout(ms: number): AttemptTimeout {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

function withoutHeaders(headers: Headers, names: Set<string>): Headers {
  const copy = new Headers(headers);
  for (const name of names) copy.delete(name);
  return copy;
}

function anySignal(signals: (AbortSignal | undefined | null)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => Boolean(s));
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

export function createCallFetch(ctx: TransportContext) {
  return async function callFetch(request: Request | PreparedRequest): Promise<Response> {
    // Every attempt sends a fresh, identical body: a prepared request's serialized body as is; a real Request's
    // (a single-use stream) buffered once.
    const body = request instanceof PreparedRequest ? request.body : request.body ? await request.arrayBuffer() : null;
    const callerSignal: AbortSignal | null = request.signal;
    const deadlineSignal = ctx.deadlineMs ? AbortSignal.timeout(ctx.deadlineMs) : undefined;
    const waitSignal = anySignal([callerSignal, deadlineSignal]);
    const idempotent =
      ctx.operation.idempotent ||
      (ctx.operation.idempotencyHeader !== null && request.headers.has(ctx.operation.idempotencyHeader));
    const maxAttempts = ctx.retry?.maxAttempts ?? 1;
    const call: LimitedCall = {
      operationId: ctx.operationId,
      classes: ctx.operation.rateLimit,
      pathParams: ctx.pathParams,
      signal: waitSignal ?? null,
    };
    let authRetried = false;
    const startedAt = Date.now();
    // A prepared request belongs to this call alone: its headers take the credentials in place (a copy per attempt
    // cost about 4 % of a call). Errors still report the caller's headers, without the ones added here.
    const ownHeaders = request instanceof PreparedRequest;
    const added = new Set<string>();
    const reported = () =>
      added.size
        ? { method: request.method, url: request.url, headers: withoutHeaders(request.headers, added) }
        : request;

    for (let attempt = 1; ; attempt++) {
      const headers = ownHeaders ? request.headers : new Headers(request.headers);
      // A token provider that hangs must not outlive the caller's signal or the deadline.
      let auth: Record<string, string>;
      try {
        const pending = unlessAborted(ctx.authHeaders(), waitSignal);
        auth = pending instanceof Promise ? await pending : pending;
      } catch (error) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        if (deadlineSignal?.aborted) {
          throw new TimeoutError(
            `${ctx.operationId}: no answer within the ${ctx.deadlineMs} ms deadline (waiting for credentials)`,
            {
              provider: ctx.provider,
              operationId: ctx.operationId,
              request: reported(),
              timeoutMs: ctx.deadlineMs!,
              retryable: true,
            },
          );
        }
        throw error;
      }
      for (const [name, value] of Object.entries(auth)) {
        if (ownHeaders && !headers.has(name)) added.add(name);
        headers.set(name, value);
      }
      let timeout: AttemptTimeout | undefined;

      const send = () => {
        timeout = ctx.timeoutMs ? attemptTimeout(ctx.timeoutMs) : undefined;
        const signal = anySignal([callerSignal, deadlineSignal, timeout?.signal]);
        const init: RequestInit = { method: request.method, headers, body, ...(signal ? { signal } : {}) };
        // fetch(url, init) is fetch(new Request(url, init)) (Fetch standard, fetch method): Node's own fetch is spared
        // building the Request twice; an injected or stubbed fetch still gets a Request, as it may expect one.
        return ctx.fetch === nativeFetch ? nativeFetch(request.url, init) : ctx.fetch(new Request(request.url, init));
      };

      const tooLarge = (status: number, bytes: number) =>
        new ResponseValidationError(ctx.operationId, ctx.provider, status, [
          {
            location: "response",
            field: "response",
            pointer: "",
            rule: "maxBytes",
            params: { limit: ctx.maxResponseBytes, bytes },
            message: `is larger than maxResponseBytes (${ctx.maxResponseBytes} bytes); it was not read`,
          },
        ]);
      // The whole exchange, body included, holds the limiter's slot (e.g. LINE WORKS 1.0's 5 connections).
      const exchange = () =>
        send().then((answer) => readWhole(answer, ctx.maxResponseBytes, tooLarge, ctx.onSuccessBody));

      const canRetry = (retryable: boolean) => ctx.retry !== null && retryable && attempt < maxAttempts;
      let response: Response;
      try {
        response = ctx.limiter ? await ctx.limiter.schedule(call, exchange) : await exchange();
        timeout?.clear();
      } catch (error) {
        timeout?.clear();
        if (callerSignal?.aborted) throw callerSignal.reason;
        // The limiter's own verdicts (e.g. RateLimiterUnavailableError): nothing was sent.
        if (error instanceof BizchatError) throw error;
        const base = { provider: ctx.provider, operationId: ctx.operationId, request: reported(), cause: error };
        if (deadlineSignal?.aborted) {
          throw new TimeoutError(`${ctx.operationId}: no answer within the ${ctx.deadlineMs} ms deadline`, {
            ...base,
            timeoutMs: ctx.deadlineMs!,
          });
        }
        if (timeout?.signal.aborted) {
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
        throw new NetworkError(
          `${ctx.operationId}: connection failed${code ? ` (${code})` : ""} after ${attempt} attempt(s)`,
          {
            ...base,
            ...(code ? { code } : {}),
            retryable: mayRetryNetworkError(code, idempotent),
          },
        );
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
          // Not awaited: cancelling one branch of a cloned body settles only once the clone is cancelled too, and
          // the clone belongs to onUnauthorized. The body is already in memory (readWhole), so nothing is held open.
          void response.body?.cancel().catch(() => undefined);
          continue;
        }
      }

      if (canRetry(mayRetryStatus(response.status, idempotent))) {
        // A 429 waits here until the provider's retry time (Retry-After, else its reset header), also for
        // operations no limiter class covers; the limiter refills at that same moment, so nothing waits twice.
        const wait =
          response.status === 429
            ? Math.max(0, retryAt! - now)
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
