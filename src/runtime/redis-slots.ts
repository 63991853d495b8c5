// A concurrency cap shared by every process through Redis (e.g. LINE WORKS API 1.0's 5 concurrent connections,
// https://developers.worksmobile.com/jp/document/1002002?lang=en). Unlike a quota, a cap cannot be leased in
// blocks without starving the other processes, so each call holds one slot: one round trip to take it, one
// (not awaited) to give it back. A slot whose process died frees itself after SLOT_TTL_MS.
import { randomUUID } from "node:crypto";
import { limiterStopped, type LimitedCall, type QuotaBucket } from "./quota.js";
import type { RedisBucketOptions } from "./redis-bucket.js";
import type { RedisLink } from "./redis-link.js";

/** Longer than any one exchange (the default per-attempt time-out is 30 s). */
const SLOT_TTL_MS = 120_000;

export class RedisSlots implements QuotaBucket {
  private readonly holder = randomUUID();
  private sequence = 0;
  private readonly wakers = new Set<() => void>();
  private localBucket: QuotaBucket | undefined;
  private stopped = false;

  constructor(
    private readonly cap: number,
    private readonly link: RedisLink,
    private readonly options: RedisBucketOptions,
  ) {}

  async enter(call: LimitedCall): Promise<() => void> {
    const member = `${this.holder}:${++this.sequence}`;
    for (;;) {
      call.signal?.throwIfAborted();
      if (this.stopped) throw limiterStopped();
      if (this.link.current === "down") return this.degrade(call);
      const taken = await this.link
        .takeSlot(this.options.key, Date.now(), this.cap, member, SLOT_TTL_MS)
        .catch(() => null);
      if (taken === null) return this.degrade(call);
      if (taken) return () => this.release(member);
      await this.pause(call.signal);
    }
  }

  private release(member: string): void {
    void this.link.releaseSlot(this.options.key, member).catch(() => undefined);
    for (const wake of this.wakers) wake(); // a slot of this process is free: its own waiters try at once
  }

  /** Until a slot of this process is released, the heartbeat passes (another process's slot), or the abort. */
  private pause(signal: AbortSignal | null | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, this.options.heartbeatMs);
      this.wakers.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private degrade(call: LimitedCall): Promise<() => void> | (() => void) {
    if (!this.options.local) throw this.options.unavailable(call, this.link.reason);
    this.localBucket ??= this.options.local();
    return this.localBucket.enter(call);
  }

  resync(): void {}

  exhausted(): void {}

  stop(): void {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    void this.localBucket?.stop();
  }
}
