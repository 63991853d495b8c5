// When a failed attempt may be repeated, and how long to wait. Policy:
// - idempotent operations (GET, PUT, DELETE, or a POST the spec marks idempotent / that carries the provider's
//   idempotency header): retry 429, 5xx and network failures;
// - other POSTs: retry only what the server certainly did not process: 429 (rejected by the limiter) and a
//   connection refused before anything was sent; never a 5xx, a reset or a time-out after sending.
// - waits use full jitter (AWS SDK standard strategy) and honour Retry-After and the provider's reset header.
import { setTimeout as delay } from "node:timers/promises";

export interface RetryOptions {
  /** Attempts in all, including the first (default 3). */
  maxAttempts?: number;
  /** Base of the exponential backoff in ms (default 200). */
  baseDelayMs?: number;
  /** Cap of one wait in ms (default 20 000). */
  maxDelayMs?: number;
}

/** What an attempt gave: an answer (status and headers), or a failure with no answer. */
export type AttemptOutcome =
  | { kind: "answer"; status: number; headers: HeaderReader; retryAt: number | undefined }
  | { kind: "timeout" }
  | { kind: "network"; code: string | undefined };

export interface HeaderReader {
  get(name: string): string | null;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 20_000 };

/** Connection errors that prove the request never reached the server (undici's connect time-out included). */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function mayRetryStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && (status === 500 || status === 502 || status === 503 || status === 504);
}

export function mayRetryNetworkError(code: string | undefined, idempotent: boolean): boolean {
  return idempotent || (code !== undefined && NOT_SENT.has(code));
}

export function backoffMs(attempt: number, options: Required<RetryOptions>, random = Math.random): number {
  return Math.round(random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)));
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
export function retryAfterMs(headers: HeaderReader, now = Date.now()): number | undefined {
  const raw = headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`; an abort rejects with the signal's own reason (a TimeoutError of the deadline, the caller's reason). */
export async function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    // node:timers/promises rejects with an AbortError of its own; the caller's reason is what callers catch.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/**
 * When a 429 may be sent again: Retry-After, else the provider's reset time (plus a margin), else in a second.
 * Undefined for other statuses.
 */
export function retryAtOf(status: number, retryAfter: number | undefined, resetAt: Date | undefined, now: number) {
  if (status !== 429) return undefined;
  if (retryAfter !== undefined) return now + retryAfter;
  return resetAt && resetAt.getTime() > now ? resetAt.getTime() + 250 : now + 1000;
}

/**
 * Whether to send the call again after this attempt, and after how long (in ms), or null: stop here. A 429 waits
 * until the provider's retry time; other answers wait for Retry-After or the backoff, whichever is longer. Waits
 * that would end past the call's deadline are not taken.
 */
export function retryDecision(
  outcome: AttemptOutcome,
  attempt: number,
  policy: Required<RetryOptions> | null,
  idempotent: boolean,
  now: number,
  deadlineLeft: number,
): number | null {
  if (!policy || attempt >= policy.maxAttempts) return null;
  if (outcome.kind === "timeout") return idempotent ? backoffMs(attempt, policy) : null;
  if (outcome.kind === "network")
    return mayRetryNetworkError(outcome.code, idempotent) ? backoffMs(attempt, policy) : null;
  if (!mayRetryStatus(outcome.status, idempotent)) return null;
  const wait =
    outcome.status === 429
      ? Math.max(0, outcome.retryAt! - now)
      : Math.max(retryAfterMs(outcome.headers, now) ?? 0, backoffMs(attempt, policy));
  return wait < deadlineLeft ? wait : null;
}
