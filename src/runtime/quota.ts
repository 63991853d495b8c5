// What a quota bucket is, shared by the in-process limiter (limiter.ts) and the Redis one (redis-bucket.ts).

export interface RateLimitClass {
  limit?: number;
  intervalMs?: number;
  per?: string;
  maxConcurrent?: number;
  description?: string;
}

export interface LimitedCall {
  operationId: string;
  classes: readonly string[];
  pathParams: Record<string, unknown>;
  signal?: AbortSignal | null;
  /** The bucket of each class, in order (null: no quota for it), looked up once per call by the limiter. */
  buckets?: (QuotaBucket | null)[];
}

export interface HeaderReading {
  limit?: number;
  remaining?: number;
  resetAt?: Date;
}

/** A reading's window is the limiter's own when their ends are this close (header resolution is one second). */
export const WINDOW_TOLERANCE_MS = 250;
/** Refill this long after the provider's announced reset, to absorb clock skew at one-second header resolution. */
export const RESET_MARGIN_MS = 250;

/** One quota window and/or concurrency cap, kept in this process (Bucket) or in Redis (RedisBucket). */
export interface QuotaBucket {
  /** A release function once the call may start (synchronously when there is room). */
  enter(call: LimitedCall): Promise<() => void> | (() => void);
  /** Adopt the provider's count for its current window; `now` is when the response arrived. */
  resync(reading: HeaderReading, now: number): void;
  /** A 429: nothing more until `until`. */
  exhausted(until: number): void;
  /** Settles waiting calls; a shared bucket also gives back what it holds (the promise settles once it has). */
  stop(): void | Promise<unknown>;
}

/** What a call still waiting in a bucket gets when the client closes. */
export function limiterStopped(): Error {
  return new Error("rate limiter stopped (client.close())");
}
