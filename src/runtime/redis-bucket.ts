// One quota window shared by every process through Redis, served from leased blocks: a process takes a block of
// the window's tokens in one atomic step (lease-scripts.ts, one round trip) and hands them to its calls
// synchronously, so a call under quota costs no round trip at all. Blocks are sized from the process's recent
// demand and capped at a small share of what the window has left; unused tokens go back when the process falls
// idle or stops, and lapse with their window. A process that dies holding a block loses at most that block, and
// only until the window ends.
//
// The provider's headers still resync the shared window (the same rule as the in-process Bucket), and a 429 holds
// every process until the reset: each process checks in with Redis at least every heartbeat while it serves
// calls, and drops what it holds once it sees a hold it did not know. When Redis is unreachable, waiting calls are
// settled at once: rejected with RateLimiterUnavailableError, or handed to a local limiter (`onError: "local"`).
import type { BizchatError } from "./errors.js";
import {
  limiterStopped,
  RESET_MARGIN_MS,
  WINDOW_TOLERANCE_MS,
  type HeaderReading,
  type LimitedCall,
  type QuotaBucket,
  type RateLimitClass,
} from "./quota.js";
import type { Block, BlockShare, RedisLink } from "./redis-link.js";

export interface RedisBucketOptions {
  /** The Redis key of this window; keys of one quota share a hash tag (`{…}`). */
  key: string;
  heartbeatMs: number;
  /** Creates the in-process limiter used while Redis is unreachable; without it calls fail instead. */
  local: (() => QuotaBucket) | undefined;
  unavailable: (call: LimitedCall, reason: string) => BizchatError;
}

/**
 * A block is at most this share of what the window has left (1/16: 18 of Chatwork's 300, 125 of LINE's 2,000), and
 * at least 1/64 of the window (4 of Chatwork's 300), so its last tokens are not taken one round trip each.
 */
const SHARE_DIVISOR = 16;
const LEAST_DIVISOR = 64;
/** A block covers the demand of this many heartbeats. */
const DEMAND_HEARTBEATS = 2;
/** Unused tokens go back after this many heartbeats without a call. */
const IDLE_HEARTBEATS = 3;

interface Waiter {
  call: LimitedCall;
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  onAbort: () => void;
}

const noRelease = (): void => undefined;

export class RedisBucket implements QuotaBucket {
  private readonly limit: number;
  private readonly intervalMs: number;
  private readonly share: BlockShare;
  /** Leased tokens this process has not spent yet; they lapse at `end`. */
  private tokens = 0;
  private end = 0;
  private hold = -1;
  /** What Redis said was left when last asked, to decide whether a provider reading is news. */
  private sharedLeft = Infinity;
  private checkedAt = 0;
  private lastUse = 0;
  private lastAdopt = 0;
  /** The provider's headers give this window's reset (Chatwork, LINE WORKS); LINE's windows are the limiter's own. */
  private fromHeaders = false;
  private servedSinceCheck = 0;
  private readonly waiters: Waiter[] = [];
  private asking = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private localBucket: QuotaBucket | undefined;
  private readonly stopListening: () => void;
  private stopped = false;

  constructor(
    spec: RateLimitClass,
    private readonly link: RedisLink,
    private readonly options: RedisBucketOptions,
  ) {
    this.limit = spec.limit!;
    this.intervalMs = spec.intervalMs!;
    this.share = { divisor: SHARE_DIVISOR, least: Math.max(1, Math.floor(this.limit / LEAST_DIVISOR)) };
    this.stopListening = link.onChange((state) => {
      if (state === "down") this.degradeAll();
      else if (state === "up" && this.waiters.length) this.ask();
    });
  }

  enter(call: LimitedCall): Promise<() => void> | (() => void) {
    call.signal?.throwIfAborted();
    if (this.stopped) return Promise.reject(limiterStopped());
    const now = Date.now();
    if (this.waiters.length === 0 && this.takeToken(now)) return noRelease;
    if (this.link.current === "down") return this.degrade(call);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        call,
        resolve,
        reject,
        onAbort: () => this.remove(waiter) && reject(call.signal!.reason as Error),
      };
      call.signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.ask();
    });
  }

  /** Spends one leased token when there is one; asks ahead for the next block before this one runs out. */
  private takeToken(now: number): boolean {
    if (now >= this.lapseAt()) this.tokens = 0;
    if (this.tokens <= 0) return false;
    this.tokens--;
    this.servedSinceCheck++;
    this.lastUse = now;
    if (this.tokens <= this.servedSinceCheck || now - this.checkedAt >= this.options.heartbeatMs) this.ask();
    this.watchIdle();
    return true;
  }

  /**
   * When held tokens stop being spendable. The shared window ends RESET_MARGIN_MS after the provider's reset (so no
   * process refills early on a clock a little ahead), but a token spent after the reset would count in the provider's
   * next window, which Redis hands out whole: a window resynced from the provider's headers lapses its tokens that
   * margin before the reset instead.
   */
  private lapseAt(): number {
    return this.fromHeaders ? this.end - 2 * RESET_MARGIN_MS : this.end;
  }

  /** How many tokens to ask for: what waits now plus what this process used per heartbeat lately. */
  private want(now: number): number {
    const elapsed = Math.max(1, now - this.checkedAt);
    const perHeartbeat = Math.ceil((this.servedSinceCheck * this.options.heartbeatMs) / elapsed);
    const demand = this.waiters.length + DEMAND_HEARTBEATS * perHeartbeat;
    return Math.max(0, Math.min(this.limit, demand - this.tokens));
  }

  /** One request to Redis at a time: a block, or a check-in when nothing is wanted. */
  private ask(): void {
    if (this.asking || this.stopped || this.link.current !== "up") return;
    clearTimeout(this.retryTimer);
    const now = Date.now();
    if (now >= this.lapseAt() && now < this.end) {
      // A block now would lapse at once: ask when the window ends.
      if (this.waiters.length) this.retryTimer = setTimeout(() => this.ask(), this.end - now);
      return;
    }
    this.asking = true;
    const want = this.want(now);
    this.link
      .takeBlock(this.options.key, now, this.limit, this.intervalMs, want, this.share)
      .then(
        (block) => this.adoptBlock(block, now),
        () => this.degradeAll(),
      )
      .finally(() => {
        this.asking = false;
        this.serveWaiters();
      });
  }

  private adoptBlock(block: Block, askedAt: number): void {
    if (this.stopped) return void this.link.giveBack(this.options.key, block.granted, block.end).catch(() => undefined);
    // A 429 somewhere since the last check-in: what this process still holds must not be spent.
    if (block.hold !== this.hold) {
      if (this.hold !== -1) this.tokens = 0;
      this.hold = block.hold;
    }
    if (block.end !== this.end && askedAt >= this.end) this.tokens = 0; // leftovers of a window that ended
    this.end = block.end;
    this.tokens += block.granted;
    this.sharedLeft = block.left;
    this.checkedAt = askedAt;
    this.servedSinceCheck = 0;
    if (this.tokens > 0) this.watchIdle();
  }

  private serveWaiters(): void {
    const now = Date.now();
    while (this.waiters.length && this.takeToken(now)) {
      const waiter = this.waiters[0]!;
      this.remove(waiter);
      waiter.resolve(noRelease);
    }
    if (!this.waiters.length || this.asking) return;
    if (this.link.current === "down") return this.degradeAll();
    // Past the point where tokens lapse: ask when the window ends (a block now would lapse at once). The block was
    // only a share of what is left: ask for the next one at once. Nothing left for now: ask again at the heartbeat
    // (tokens given back, a resync) or when the window ends.
    const untilEnd = Math.max(0, this.end - now);
    const wait =
      now >= this.lapseAt() ? untilEnd : this.sharedLeft > 0 ? 0 : Math.min(this.options.heartbeatMs, untilEnd);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.ask(), wait);
  }

  /** Gives unused tokens back once no call has come for a few heartbeats, so other processes can use them. */
  private watchIdle(): void {
    if (this.idleTimer) return;
    const idleMs = IDLE_HEARTBEATS * this.options.heartbeatMs;
    this.idleTimer = setInterval(() => {
      const now = Date.now();
      if (this.tokens > 0 && now < this.end && now - this.lastUse < idleMs) return;
      clearInterval(this.idleTimer);
      this.idleTimer = undefined;
      void this.giveBack(now);
    }, idleMs);
    this.idleTimer.unref();
  }

  private giveBack(now: number): Promise<unknown> {
    const tokens = this.tokens;
    this.tokens = 0;
    if (tokens <= 0 || now >= this.end || this.link.current !== "up") return Promise.resolve();
    return this.link.giveBack(this.options.key, tokens, this.end).catch(() => undefined);
  }

  private remove(waiter: Waiter): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    waiter.call.signal?.removeEventListener("abort", waiter.onAbort);
    return true;
  }

  /** Redis is unreachable: limit in this process, or fail the call (it was not sent). */
  private degrade(call: LimitedCall): Promise<() => void> | (() => void) {
    if (!this.options.local) return Promise.reject(this.options.unavailable(call, this.link.reason));
    this.localBucket ??= this.options.local();
    return this.localBucket.enter(call);
  }

  private degradeAll(): void {
    clearTimeout(this.retryTimer);
    for (const waiter of this.waiters.slice()) {
      this.remove(waiter);
      try {
        const entered = this.degrade(waiter.call);
        if (typeof entered === "function") waiter.resolve(entered);
        else entered.then(waiter.resolve, waiter.reject);
      } catch (error) {
        waiter.reject(error);
      }
    }
  }

  /**
   * The provider's count is the truth. This process trims what it holds to what the provider says remains; the
   * shared window hears of it (one round trip) only when the reading is news: another window, or fewer tokens left
   * than Redis last said, at most once a heartbeat.
   */
  resync(reading: HeaderReading, now: number): void {
    this.localBucket?.resync(reading, now);
    if (reading.remaining === undefined && !reading.resetAt) return;
    const resetAt = reading.resetAt?.getTime();
    if (resetAt !== undefined && resetAt <= now) return; // a slow answer from a window that already ended
    if (resetAt !== undefined) this.fromHeaders = true;
    const end = resetAt === undefined ? undefined : resetAt + RESET_MARGIN_MS;
    // A reading about the window after this one (counted by the provider just after its reset, inside this window's
    // margin) is no news: this window ends within the margin and the next one continues its schedule.
    if (end !== undefined && Math.abs(end - this.end - this.intervalMs) <= WINDOW_TOLERANCE_MS) return;
    if (reading.remaining !== undefined) this.tokens = Math.min(this.tokens, Math.max(0, reading.remaining));
    const otherWindow = end !== undefined && Math.abs(end - this.end) > WINDOW_TOLERANCE_MS;
    const fewer = reading.remaining !== undefined && reading.remaining < this.sharedLeft;
    if (!otherWindow && !(fewer && now - this.lastAdopt >= this.options.heartbeatMs)) return;
    // Past the end of the window this process knows, its next check-in brings the current one.
    if (now >= this.end || this.link.current !== "up") return;
    this.lastAdopt = now;
    if (otherWindow) this.end = end; // what this process holds lapses with the provider's window
    this.link
      .adoptReading(
        this.options.key,
        now,
        { remaining: reading.remaining, end },
        { toleranceMs: WINDOW_TOLERANCE_MS, intervalMs: this.intervalMs },
      )
      // A failed resync only leaves the limiter less exact; never fail the call for it.
      .catch(() => undefined);
    if (otherWindow) this.sharedLeft = Infinity;
  }

  /** A 429: nothing more until `until`, here at once and in every other process at its next check-in. */
  exhausted(until: number): void {
    this.tokens = 0;
    this.localBucket?.exhausted(until);
    if (this.link.current !== "up") return;
    this.link.hold(this.options.key, until).catch(() => undefined);
  }

  /** Settles what waits and gives unused tokens back; resolves once Redis has them (or could not be told). */
  stop(): Promise<unknown> {
    this.stopped = true;
    this.stopListening();
    clearTimeout(this.retryTimer);
    clearInterval(this.idleTimer);
    for (const waiter of this.waiters.slice()) {
      this.remove(waiter);
      waiter.reject(limiterStopped());
    }
    void this.localBucket?.stop();
    return this.giveBack(Date.now());
  }
}
