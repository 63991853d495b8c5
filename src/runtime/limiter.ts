// Client-side rate limiting with Bottleneck, configured from the spec's `x-bizchat-rate-limits` classes
// (generated operation table) and resynced from the provider's rate-limit headers and from 429 answers.
//
// One bucket per class and key: a class `per: token` has one bucket, `per: operation` one per operationId,
// `per: path:<param>` one per value of that path parameter (e.g. Chatwork's per-room posting limit).
// Windows are managed here rather than with Bottleneck's reservoirRefreshInterval, whose timer starts when the
// limiter is created and is not aligned with the provider's window (shared/reference/tooling.md §3.5): the
// refill follows the provider's reset header as soon as one is seen.
import Bottleneck from "bottleneck";

export interface RateLimitClass {
  limit?: number;
  intervalMs?: number;
  per?: string;
  maxConcurrent?: number;
  description?: string;
}

export interface RateLimitHeaderSpec {
  limit: string;
  remaining: string;
  reset: string;
  resetUnit: "unix-seconds" | "seconds";
}

export interface RateLimitOptions {
  /** Override documented limits per class, e.g. `{ message: { limit: 200 } }` for a paid LINE WORKS plan. */
  classes?: Record<string, Partial<RateLimitClass>>;
}

export interface LimitedCall {
  operationId: string;
  classes: readonly string[];
  pathParams: Record<string, unknown>;
  signal?: AbortSignal | null;
}

export interface HeaderReading {
  limit?: number;
  remaining?: number;
  resetAt?: Date;
}

/**
 * One quota window (and/or concurrency cap). A call that finds room takes it synchronously: no timer, no
 * Bottleneck round trip, so the limiter adds no latency under quota (a plain Bottleneck job costs about 4.5 ms
 * and caps one limiter near 420 jobs/s here: shared/reference/tooling.md §4.2). Calls that must wait join a FIFO
 * list; Bottleneck schedules one drain job per backlog (not one job per call), which hands each freed slot to
 * the head of the list, so a saturated bucket still runs at the provider's full rate.
 */
interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | null | undefined;
}

class Bucket {
  private readonly queue = new Bottleneck({ maxConcurrent: 1 });
  private readonly waiters: Waiter[] = [];
  private draining = false;
  private available: number;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextRefillAt = 0;

  constructor(private readonly spec: RateLimitClass) {
    this.available = spec.limit ?? Infinity;
    if (spec.limit !== undefined && spec.intervalMs) this.refillAt(Date.now() + spec.intervalMs);
  }

  private refillAt(at: number): void {
    clearTimeout(this.timer);
    this.nextRefillAt = at;
    this.timer = setTimeout(() => {
      this.available = this.spec.limit ?? Infinity;
      if (this.spec.intervalMs) this.refillAt(Date.now() + this.spec.intervalMs);
      this.wake?.();
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private tryTake(): boolean {
    if (this.available <= 0) return false;
    if (this.spec.maxConcurrent !== undefined && this.inFlight >= this.spec.maxConcurrent) return false;
    this.available--;
    this.inFlight++;
    return true;
  }

  private wakeOnAbort = (): void => this.wake?.();

  private release = (): void => {
    this.inFlight--;
    this.wake?.();
  };

  /** Hands free slots to waiters in order until none is left waiting. */
  private async drain(): Promise<void> {
    while (this.waiters.length) {
      const head = this.waiters[0]!;
      if (head.signal?.aborted) {
        this.waiters.shift();
        head.reject(head.signal.reason);
      } else if (this.tryTake()) {
        this.waiters.shift();
        head.resolve();
      } else {
        // Wait for a refill, a released slot or the head's abort; the abort listener is removed after each wake
        // so a head that waits through many wakes does not pile up listeners on its signal.
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          head.signal?.addEventListener("abort", this.wakeOnAbort, { once: true });
        });
        head.signal?.removeEventListener("abort", this.wakeOnAbort);
        this.wake = undefined;
      }
    }
  }

  private startDrain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.queue
      .schedule(() => this.drain())
      .catch((error: unknown) => {
        for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      })
      .finally(() => {
        this.draining = false;
        if (this.waiters.length) this.startDrain();
      });
  }

  /** Resolves with a release function once the call may start. */
  enter(signal: AbortSignal | null | undefined): Promise<() => void> | (() => void) {
    signal?.throwIfAborted();
    if (this.waiters.length === 0 && this.tryTake()) return this.release;
    return new Promise<() => void>((resolve, reject) => {
      this.waiters.push({ resolve: () => resolve(this.release), reject, signal });
      this.startDrain();
    });
  }

  /** The provider's count is the truth: never allow more than it says remain, and refill when it resets. */
  resync(reading: HeaderReading): void {
    if (this.spec.limit === undefined) return;
    if (reading.remaining !== undefined) this.available = Math.min(this.available, Math.max(0, reading.remaining));
    // A small margin after the announced reset absorbs clock skew at one-second header resolution.
    if (reading.resetAt && Math.abs(reading.resetAt.getTime() + 250 - this.nextRefillAt) > 250) {
      this.refillAt(reading.resetAt.getTime() + 250);
    }
  }

  /** A 429 means the window is spent: hold every call until the provider says it resets. */
  exhausted(until: number): void {
    this.available = 0;
    this.refillAt(until);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.wake?.();
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error("rate limiter stopped (client.close())"));
    void this.queue.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly classes: Record<string, RateLimitClass>;

  constructor(classes: Record<string, RateLimitClass>, options: RateLimitOptions = {}) {
    this.classes = {};
    for (const [name, spec] of Object.entries(classes)) this.classes[name] = { ...spec, ...options.classes?.[name] };
  }

  private bucketKey(className: string, call: LimitedCall): string {
    const per = this.classes[className]?.per ?? "token";
    if (per === "operation") return `${className}:${call.operationId}`;
    if (per.startsWith("path:")) return `${className}:${String(call.pathParams[per.slice(5)])}`;
    return className;
  }

  private bucketsFor(call: LimitedCall): Bucket[] {
    return call.classes
      .filter((name) => this.classes[name])
      .map((name) => {
        const key = this.bucketKey(name, call);
        let bucket = this.buckets.get(key);
        if (!bucket) {
          bucket = new Bucket(this.classes[name]!);
          this.buckets.set(key, bucket);
        }
        return bucket;
      });
  }

  /** Runs `task` once every bucket of the call has room; waiting ends early when the caller's signal aborts. */
  async schedule<T>(call: LimitedCall, task: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const bucket of this.bucketsFor(call)) {
        const entered = bucket.enter(call.signal);
        releases.push(typeof entered === "function" ? entered : await entered);
      }
      return await task();
    } finally {
      for (const release of releases) release();
    }
  }

  observe(call: LimitedCall, reading: HeaderReading, status: number, retryAt: number | undefined): void {
    for (const bucket of this.bucketsFor(call)) {
      if (status === 429) bucket.exhausted(retryAt ?? Date.now() + 1000);
      else bucket.resync(reading);
    }
  }

  stop(): void {
    for (const bucket of this.buckets.values()) bucket.stop();
    this.buckets.clear();
  }
}

/** Reads the provider's rate-limit headers (names and reset unit from the spec). Header names are case-insensitive. */
export function readRateLimitHeaders(headers: Headers, spec: RateLimitHeaderSpec | null, now = Date.now()): HeaderReading {
  if (!spec) return {};
  const num = (name: string) => {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === "") return undefined;
    const value = Number(raw);
    return Number.isFinite(value) ? value : undefined;
  };
  const reading: HeaderReading = {};
  const limit = num(spec.limit);
  const remaining = num(spec.remaining);
  const reset = num(spec.reset);
  if (limit !== undefined) reading.limit = limit;
  if (remaining !== undefined) reading.remaining = remaining;
  if (reset !== undefined) reading.resetAt = new Date(spec.resetUnit === "unix-seconds" ? reset * 1000 : now + reset * 1000);
  return reading;
}
