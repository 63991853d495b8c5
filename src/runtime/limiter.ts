// Client-side rate limiting with Bottleneck, configured from the spec's `x-bizchat-rate-limits` classes
// (generated operation table) and resynced from the provider's rate-limit headers and from 429 answers.
//
// One bucket per class and key: a class `per: token` has one bucket, `per: operation` one per operationId,
// `per: path:<param>` one per value of that path parameter (e.g. Chatwork's per-room posting limit).
// Windows are managed here rather than with Bottleneck's reservoirRefreshInterval, whose timer starts when the
// limiter is created and is not aligned with the provider's window (Bottleneck README, "reservoirRefreshInterval": https://github.com/SGrondin/bottleneck#reservoir-intervals): the
// refill follows the provider's reset header as soon as one is seen.
// With `rateLimit.redis`, each bucket's window lives in Redis instead and is shared by every process, which lease
// blocks of it (redis-bucket.ts; concurrency caps: redis-slots.ts).
import Bottleneck from "bottleneck";
import { createHash } from "node:crypto";
import { RateLimiterUnavailableError, type Provider } from "./errors.js";
import {
  limiterStopped,
  RESET_MARGIN_MS,
  WINDOW_TOLERANCE_MS,
  type HeaderReading,
  type LimitedCall,
  type QuotaBucket,
  type RateLimitClass,
} from "./quota.js";
import { RedisBucket, type RedisBucketOptions } from "./redis-bucket.js";
import { RedisLink, type RedisRateLimitOptions } from "./redis-link.js";
import { RedisSlots } from "./redis-slots.js";
import { unrefTimer } from "./timers.js";

export type { HeaderReading, LimitedCall, QuotaBucket, RateLimitClass } from "./quota.js";

export interface RateLimitHeaderSpec {
  limit: string;
  remaining: string;
  reset: string;
  resetUnit: "unix-seconds" | "seconds";
}

/** A call about to wait in one bucket: its class, its key, and the wait the bucket expects (when it can tell). */
export interface LimiterWait {
  limitClass: string;
  key: string;
  expectedWaitMs: number | undefined;
}

export interface RateLimitOptions {
  /** Override documented limits per class, e.g. `{ message: { limit: 200 } }` for a paid LINE WORKS plan. */
  classes?: Record<string, Partial<RateLimitClass>>;
  /** Share the limits with other processes through Redis (ioredis): each process leases blocks of the shared window. */
  redis?: RedisRateLimitOptions;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | null | undefined;
}

/**
 * One quota window (and/or concurrency cap). A call that finds room takes it synchronously: no timer, no
 * Bottleneck round trip, so the limiter adds no latency under quota (a plain Bottleneck job costs about 4.5 ms
 * and caps one limiter near 420 jobs/s in bench/limiter.mjs on a 2-core machine). Calls that must wait join a FIFO
 * list; Bottleneck schedules one drain job per backlog (not one job per call), which hands each freed slot to
 * the head of the list, so a saturated bucket still runs at the provider's full rate.
 */
export class Bucket implements QuotaBucket {
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
    this.timer = setTimeout(
      () => {
        this.available = this.spec.limit ?? Infinity;
        if (this.spec.intervalMs) this.refillAt(Date.now() + this.spec.intervalMs);
        this.wake?.();
      },
      Math.max(0, at - Date.now()),
    );
    // An idle refill timer must not keep the process alive; one that callers are waiting for must (else a script
    // whose only pending work is a held call would exit mid-wait).
    if (this.waiters.length === 0) unrefTimer(this.timer);
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
    unrefTimer(this.timer);
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
  enter(call: LimitedCall): Promise<() => void> | (() => void) {
    const signal = call.signal;
    signal?.throwIfAborted();
    if (this.waiters.length === 0 && this.tryTake()) return this.release;
    return new Promise<() => void>((resolve, reject) => {
      this.waiters.push({ resolve: () => resolve(this.release), reject, signal });
      this.timer?.ref();
      this.startDrain();
    });
  }

  /**
   * The provider's count is the truth. A reading about the window this bucket is in can only lower what is left; a
   * reading about another window (the provider's window ends elsewhere: not aligned yet, or it already reset) is
   * adopted whole: what it says remains, minus the calls still in flight, until its reset. A reading whose window
   * already ended is stale (a slow answer from the previous window) and ignored.
   */
  resync(reading: HeaderReading, now: number): void {
    if (this.spec.limit === undefined || (reading.remaining === undefined && !reading.resetAt)) return;
    const remaining = reading.remaining === undefined ? undefined : Math.max(0, reading.remaining);
    if (!reading.resetAt) {
      if (remaining !== undefined) this.available = Math.min(this.available, remaining);
      return;
    }
    const resetAt = reading.resetAt.getTime();
    if (resetAt <= now) return;
    const refillAt = resetAt + RESET_MARGIN_MS;
    if (Math.abs(refillAt - this.nextRefillAt) <= WINDOW_TOLERANCE_MS) {
      if (remaining !== undefined) this.available = Math.min(this.available, remaining);
    } else {
      if (remaining !== undefined) this.available = Math.max(0, remaining - this.inFlight);
      this.refillAt(refillAt);
      this.wake?.();
    }
  }

  /** How long a call queued now should wait (the time to the next refill, plus a window per full window ahead). */
  expectedWaitMs(now: number): number | undefined {
    if (this.available > 0 || this.spec.limit === undefined) return undefined;
    const windowsAhead = Math.floor(Math.max(0, this.waiters.length - 1) / Math.max(1, this.spec.limit));
    return Math.max(0, this.nextRefillAt - now) + windowsAhead * (this.spec.intervalMs ?? 0);
  }

  /** A 429 means the window is spent: hold every call until the provider says it resets. */
  exhausted(until: number): void {
    this.available = 0;
    this.refillAt(until);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.wake?.();
    for (const waiter of this.waiters.splice(0)) waiter.reject(limiterStopped());
    void this.queue.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

export interface RateLimiterContext {
  provider: Provider;
  /** Credentials of the client, fingerprinted into the default Redis id so one token's processes share one quota. */
  credentialFingerprint: string;
}

export class RateLimiter {
  private readonly buckets = new Map<string, QuotaBucket>();
  private readonly classes: Record<string, RateLimitClass>;
  private readonly redisLink: Promise<RedisLink> | undefined;
  private readonly redisOptions: RedisRateLimitOptions | undefined;
  private readonly namespace: string;

  constructor(
    classes: Record<string, RateLimitClass>,
    options: RateLimitOptions = {},
    private readonly context: RateLimiterContext = { provider: "chatwork", credentialFingerprint: "shared" },
  ) {
    this.classes = {};
    for (const [name, spec] of Object.entries(classes)) this.classes[name] = { ...spec, ...options.classes?.[name] };
    this.redisOptions = options.redis;
    this.namespace = `bizchat:${context.provider}:${options.redis?.id ?? context.credentialFingerprint}`;
    if (options.redis) {
      this.redisLink = RedisLink.open(options.redis);
      // A failure to load ioredis surfaces on the first call; keep it from being an unhandled rejection meanwhile.
      this.redisLink.catch(() => undefined);
    }
  }

  private bucketKey(className: string, call: LimitedCall): string {
    const per = this.classes[className]?.per ?? "token";
    if (per === "operation") return `${className}:${call.operationId}`;
    if (per.startsWith("path:")) return `${className}:${String(call.pathParams[per.slice(5)])}`;
    return className;
  }

  /**
   * The Redis keys of one quota share the hash tag `{bizchat:<provider>:<id>}`, so they live on one Redis Cluster
   * node (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags).
   */
  private async redisBucket(key: string, spec: RateLimitClass): Promise<QuotaBucket> {
    const link = await this.redisLink!;
    await link.settled(); // connected, or known to be unreachable (then the buckets degrade at once)
    const options = this.redisOptions!;
    const shared = (suffix: string, local: () => QuotaBucket): RedisBucketOptions => ({
      key: `{${this.namespace}}:${key}:${suffix}`,
      heartbeatMs: options.heartbeatMs ?? 100,
      local: options.onError === "local" ? local : undefined,
      unavailable: (call, reason) =>
        new RateLimiterUnavailableError(
          `${call.operationId}: the shared rate limiter's Redis is unreachable (${reason})`,
          { provider: this.context.provider, operationId: call.operationId },
        ),
    });
    const { maxConcurrent, ...quota } = spec;
    const window =
      spec.limit !== undefined && spec.intervalMs !== undefined
        ? new RedisBucket(
            spec,
            link,
            shared("q", () => new Bucket(quota)),
          )
        : undefined;
    const slots =
      maxConcurrent !== undefined
        ? new RedisSlots(
            maxConcurrent,
            link,
            shared("c", () => new Bucket({ maxConcurrent })),
          )
        : undefined;
    if (window && slots) return new BothBuckets(slots, window);
    return window ?? slots ?? new Bucket(spec);
  }

  /** The bucket of one class and key, made on first use (a placeholder while a Redis link opens). */
  private bucketFor(name: string, spec: RateLimitClass, call: LimitedCall): QuotaBucket {
    const key = this.bucketKey(name, call);
    const bucket = this.buckets.get(key);
    if (bucket) return bucket;
    if (!this.redisLink) {
      const local = new Bucket(spec);
      this.buckets.set(key, local);
      return local;
    }
    const pending = this.redisBucket(key, spec);
    // Until the link is open, later calls share the same pending bucket.
    const placeholder = new PendingBucket(pending);
    this.buckets.set(key, placeholder);
    void pending.then(
      (ready) => this.buckets.get(key) === placeholder && this.buckets.set(key, ready),
      () => this.buckets.delete(key),
    );
    return placeholder;
  }

  /** The call's buckets, one per class in order: looked up on its first attempt, reused by retries and resyncs. */
  private bucketsOf(call: LimitedCall): (QuotaBucket | null)[] {
    return (call.buckets ??= call.classes.map((name) => {
      const spec = this.classes[name];
      return spec ? this.bucketFor(name, spec, call) : null;
    }));
  }

  private unavailable(call: LimitedCall, cause: unknown): never {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RateLimiterUnavailableError(`${call.operationId}: the shared rate limiter could not start (${reason})`, {
      provider: this.context.provider,
      operationId: call.operationId,
      cause,
    });
  }

  /**
   * Runs `task` once every bucket of the call has room; waiting ends early when the caller's signal aborts.
   * `onWait` hears of each bucket the call has to wait in (for the client's `rateLimitWait` event). Under quota
   * every bucket lets the call in at once, and `task` starts in the same tick.
   */
  schedule<T>(call: LimitedCall, task: () => Promise<T>, onWait?: (wait: LimiterWait) => void): Promise<T> {
    const buckets = this.bucketsOf(call);
    const releases: (() => void)[] = [];
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i];
      if (!bucket) continue;
      let entered: ReturnType<QuotaBucket["enter"]> | undefined;
      try {
        entered = bucket instanceof PendingBucket ? undefined : bucket.enter(call);
      } catch (error) {
        releaseAll(releases);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an aborted signal's own reason
        return Promise.reject(error);
      }
      if (typeof entered !== "function") return this.scheduleAfterWait(call, task, onWait, i, entered, releases);
      releases.push(entered);
    }
    return runReleasing(task, releases);
  }

  /** The rest of `schedule` once a bucket made the call wait: from bucket `index` on, one after another. */
  private async scheduleAfterWait<T>(
    call: LimitedCall,
    task: () => Promise<T>,
    onWait: ((wait: LimiterWait) => void) | undefined,
    index: number,
    waiting: Promise<() => void> | undefined,
    releases: (() => void)[],
  ): Promise<T> {
    const buckets = call.buckets!;
    try {
      for (let i = index; i < buckets.length; i++) {
        let bucket = buckets[i];
        if (!bucket) continue;
        if (bucket instanceof PendingBucket)
          bucket = buckets[i] = await bucket.ready.catch((error) => this.unavailable(call, error));
        const entered = i === index && waiting ? waiting : bucket.enter(call);
        if (typeof entered !== "function" && onWait) onWait(this.waitIn(bucket, call.classes[i]!, call));
        releases.push(typeof entered === "function" ? entered : await entered);
      }
    } catch (error) {
      releaseAll(releases);
      throw error;
    }
    return runReleasing(task, releases);
  }

  private waitIn(bucket: QuotaBucket, limitClass: string, call: LimitedCall): LimiterWait {
    const expectedWaitMs = bucket instanceof Bucket ? bucket.expectedWaitMs(Date.now()) : undefined;
    return { limitClass, key: this.bucketKey(limitClass, call), expectedWaitMs };
  }

  /**
   * Feeds a response back. The rate-limit headers describe the operation's first class with a quota (e.g.
   * Chatwork's per-token window, not its per-room posting limit); a 429 holds every class of the call.
   */
  observe(
    call: LimitedCall,
    reading: HeaderReading,
    status: number,
    retryAt: number | undefined,
    now = Date.now(),
  ): void {
    const headerClass = call.classes.find((name) => this.classes[name]?.limit !== undefined);
    const buckets = this.bucketsOf(call);
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i];
      if (!bucket || bucket instanceof PendingBucket) continue;
      if (status === 429) bucket.exhausted(retryAt ?? now + 1000);
      else if (call.classes[i] === headerClass) bucket.resync(reading, now);
    }
  }

  async stop(): Promise<void> {
    // Shared buckets give their unused tokens back before the connection closes (bounded: Redis may be gone).
    const givenBack = Promise.all([...this.buckets.values()].map((bucket) => Promise.resolve(bucket.stop())));
    this.buckets.clear();
    const link = this.redisLink ? await this.redisLink.catch(() => undefined) : undefined;
    if (!link) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise((resolve) => (timer = setTimeout(resolve, link.connectTimeoutMs)));
    await Promise.race([givenBack.catch(() => undefined), bound]);
    clearTimeout(timer);
    link.close();
  }
}

function releaseAll(releases: readonly (() => void)[]): void {
  for (const release of releases) release();
}

/** Starts `task` and gives the slots back when it settles, whichever way. */
function runReleasing<T>(task: () => Promise<T>, releases: readonly (() => void)[]): Promise<T> {
  if (!releases.length) return task();
  let running: Promise<T>;
  try {
    running = task();
  } catch (error) {
    releaseAll(releases);
    throw error;
  }
  const release = () => releaseAll(releases);
  running.then(release, release);
  return running;
}

/** A class with both a quota and a concurrency cap: a slot first, then a token. */
class BothBuckets implements QuotaBucket {
  constructor(
    private readonly slots: QuotaBucket,
    private readonly window: QuotaBucket,
  ) {}
  async enter(call: LimitedCall): Promise<() => void> {
    const releaseSlot = await this.slots.enter(call);
    try {
      const releaseToken = await this.window.enter(call);
      return () => {
        releaseToken();
        releaseSlot();
      };
    } catch (error) {
      releaseSlot();
      throw error;
    }
  }
  resync(reading: HeaderReading, now: number): void {
    this.window.resync(reading, now);
  }
  exhausted(until: number): void {
    this.window.exhausted(until);
  }
  stop(): Promise<unknown> {
    return Promise.all([Promise.resolve(this.slots.stop()), Promise.resolve(this.window.stop())]);
  }
}

/** Stands in for a Redis bucket while the Redis link opens. */
class PendingBucket implements QuotaBucket {
  constructor(readonly ready: Promise<QuotaBucket>) {}
  enter(): never {
    throw new Error("PendingBucket is awaited, never entered");
  }
  resync(): void {}
  exhausted(): void {}
  stop(): Promise<unknown> {
    return this.ready.then(
      (bucket) => bucket.stop(),
      () => undefined,
    );
  }
}

/** A short, one-way fingerprint of the client's static credentials, so the same token shares one Redis quota. */
export function credentialFingerprint(credentials: Record<string, unknown>): string {
  const statics = Object.entries(credentials)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .sort(([a], [b]) => a.localeCompare(b));
  if (!statics.length) return "shared";
  const hash = createHash("sha256");
  for (const [name, value] of statics) hash.update(`${name}\0${value}\0`);
  return hash.digest("hex").slice(0, 16);
}

/** Reads the provider's rate-limit headers (names and reset unit from the spec). Header names are case-insensitive. */
export function readRateLimitHeaders(
  headers: Pick<Headers, "get">,
  spec: RateLimitHeaderSpec | null,
  now = Date.now(),
): HeaderReading {
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
  if (reset !== undefined)
    reading.resetAt = new Date(spec.resetUnit === "unix-seconds" ? reset * 1000 : now + reset * 1000);
  return reading;
}
