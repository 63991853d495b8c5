// One quota shared by every process through Redis: a clustered Bottleneck limiter (reservoir = the provider's
// window, maxConcurrent = its connection cap) whose state lives in Redis, so N processes together stay inside one
// provider quota (shared/reference/tooling.md §3.5, Bottleneck README "Clustering").
//
// What Bottleneck does not do, done here: its reservoir refresh restarts its clock whenever it happens to notice
// the window is over, so the window is re-aligned from the provider's reset header (the same rule as the local
// Bucket); and it waits forever on a Redis that went away, so every waiting call is settled as soon as the link
// drops: rejected with RateLimiterUnavailableError, or handed to a local limiter when `onError: "local"`.
import Bottleneck from "bottleneck";
import type { BizchatError } from "./errors.js";
import {
  RESET_MARGIN_MS,
  WINDOW_TOLERANCE_MS,
  type HeaderReading,
  type LimitedCall,
  type QuotaBucket,
  type RateLimitClass,
} from "./quota.js";
import type { RedisLink } from "./redis-link.js";

export interface RedisBucketOptions {
  /** Bottleneck id; the Redis keys are `b_<id>_*`. Equal ids in different processes share one quota. */
  id: string;
  heartbeatMs: number;
  /** Creates the in-process limiter used while Redis is unreachable; without it calls fail instead. */
  local: (() => QuotaBucket) | undefined;
  unavailable: (call: LimitedCall, reason: string) => BizchatError;
}

// Adopts a provider reading into Bottleneck's settings hash atomically (the fields process_tick reads:
// `reservoir`, `lastReservoirRefresh`, `reservoirRefreshInterval`, `running`; Bottleneck 2.19.5 is frozen, so
// these names are stable). Same rule as Bucket.resync: a reading about the current window only lowers the
// reservoir; a reading about another window is adopted (remaining minus running jobs) and moves the refresh.
// ARGV: remaining ('' if unknown), refreshAt ms ('' if unknown), tolerance ms, exhausted flag ('1' on a 429).
const ADOPT_READING = `
local key = KEYS[1]
if redis.call('exists', key) == 0 then return 0 end
local s = redis.call('hmget', key, 'reservoir', 'lastReservoirRefresh', 'reservoirRefreshInterval', 'running')
local reservoir, last, interval, running = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4]) or 0
if reservoir == nil or interval == nil then return 0 end
local remaining, refreshAt, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[4] == '1' then
  redis.call('hmset', key, 'reservoir', 0, 'lastReservoirRefresh', refreshAt - interval)
  return 1
end
if refreshAt == nil or math.abs(last + interval - refreshAt) <= tolerance then
  if remaining ~= nil and remaining < reservoir then redis.call('hset', key, 'reservoir', math.max(0, remaining)) end
else
  if remaining ~= nil then redis.call('hset', key, 'reservoir', math.max(0, remaining - running)) end
  redis.call('hset', key, 'lastReservoirRefresh', refreshAt - interval)
end
return 1
`;

interface Entry {
  call: LimitedCall;
  /** Settles the caller's promise once; false when it was already settled. */
  settle: (outcome: () => void) => boolean;
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
}

export class RedisBucket implements QuotaBucket {
  private readonly limiter: Bottleneck;
  private readonly waiting = new Set<Entry>();
  private readonly settingsKey: string;
  private readonly stopListening: () => void;
  private localBucket: QuotaBucket | undefined;
  private stopped = false;

  constructor(
    private readonly spec: RateLimitClass,
    private readonly link: RedisLink,
    private readonly options: RedisBucketOptions,
  ) {
    this.settingsKey = `b_${options.id}_settings`;
    const quota = spec.limit !== undefined && spec.intervalMs !== undefined;
    this.limiter = new Bottleneck({
      id: options.id,
      connection: link.connection,
      clearDatastore: false,
      maxConcurrent: spec.maxConcurrent ?? null,
      reservoir: quota ? spec.limit! : null,
      reservoirRefreshAmount: quota ? spec.limit! : null,
      reservoirRefreshInterval: quota ? spec.intervalMs! : null,
      // Keys outlive any window, so an idle minute never forgets calls the provider still counts.
      timeout: Math.max(60_000, 2 * (spec.intervalMs ?? 0)),
      heartbeatInterval: options.heartbeatMs,
    });
    // Script failures also reject the job concerned; the listener only keeps the event from being unhandled.
    this.limiter.on("error", () => undefined);
    this.stopListening = link.onChange((state) => {
      if (state === "down") for (const entry of [...this.waiting]) this.degrade(entry);
    });
  }

  private local(): QuotaBucket | undefined {
    if (!this.options.local) return undefined;
    this.localBucket ??= this.options.local();
    return this.localBucket;
  }

  /** Redis is unreachable: limit in this process, or fail the call (it was not sent). */
  private degrade(entry: Entry): void {
    entry.settle(() => {
      const local = this.local();
      if (!local) return entry.reject(this.options.unavailable(entry.call, this.link.reason));
      try {
        const entered = local.enter(entry.call);
        if (typeof entered === "function") entry.resolve(entered);
        else entered.then(entry.resolve, entry.reject);
      } catch (error) {
        entry.reject(error);
      }
    });
  }

  enter(call: LimitedCall): Promise<() => void> {
    call.signal?.throwIfAborted();
    if (this.stopped) return Promise.reject(new Error("rate limiter stopped (client.close())"));
    return new Promise<() => void>((resolve, reject) => {
      let settled = false;
      const onAbort = () => entry.settle(() => reject(call.signal!.reason));
      const entry: Entry = {
        call,
        resolve,
        reject,
        settle: (outcome) => {
          if (settled) return false;
          settled = true;
          this.waiting.delete(entry);
          call.signal?.removeEventListener("abort", onAbort);
          outcome();
          return true;
        },
      };
      if (this.link.current === "down") return this.degrade(entry);
      this.waiting.add(entry);
      call.signal?.addEventListener("abort", onAbort, { once: true });
      // A job's `expiration` frees its concurrency slot in Redis if this process dies mid-call.
      this.limiter
        .schedule({ expiration: 120_000 }, () => {
          return new Promise<void>((done) => {
            // The caller may have given up while this job waited (abort, Redis down): give the slot straight back.
            if (!entry.settle(() => resolve(() => done()))) done();
          });
        })
        .catch(() => this.degrade(entry));
    });
  }

  private adopt(remaining: number | undefined, refreshAt: number | undefined, exhausted: boolean): void {
    if (this.link.current !== "up" || this.spec.limit === undefined) return;
    this.link.client
      .eval(
        ADOPT_READING,
        1,
        this.settingsKey,
        remaining ?? "",
        refreshAt ?? "",
        WINDOW_TOLERANCE_MS,
        exhausted ? "1" : "0",
      )
      // A failed resync only leaves the limiter more conservative than the provider; never fail the call for it.
      .catch(() => undefined);
  }

  resync(reading: HeaderReading, now: number): void {
    this.localBucket?.resync(reading, now);
    if (reading.remaining === undefined && !reading.resetAt) return;
    const resetAt = reading.resetAt?.getTime();
    if (resetAt !== undefined && resetAt <= now) return; // a slow answer from a window that already ended
    this.adopt(reading.remaining, resetAt === undefined ? undefined : resetAt + RESET_MARGIN_MS, false);
  }

  exhausted(until: number): void {
    this.adopt(0, until, true);
    this.localBucket?.exhausted(until);
  }

  stop(): void {
    this.stopped = true;
    this.stopListening();
    for (const entry of [...this.waiting])
      entry.settle(() => entry.reject(new Error("rate limiter stopped (client.close())")));
    this.localBucket?.stop();
    // With a shared connection Bottleneck only unsubscribes this limiter (and returns nothing to await).
    void Promise.resolve()
      .then(() => this.limiter.disconnect(false))
      .catch(() => undefined);
  }
}
