// The Redis connection behind the shared rate limiter, the scripts it runs there, and whether it can be trusted
// right now. ioredis is an optional peer dependency; the scripts are registered with its defineCommand, which sends
// EVALSHA and falls back to EVAL once after a SCRIPT FLUSH or on a fresh node (https://github.com/redis/ioredis#lua-scripting).
import { ADOPT_READING, GIVE_BACK, HOLD, KEY_GRACE_MS, RELEASE_SLOT, TAKE_BLOCK, TAKE_SLOT } from "./lease-scripts.js";

/** The parts of an ioredis client (Redis or Cluster) the limiter uses. */
export interface RedisClientLike {
  readonly status: string;
  duplicate(...args: never[]): RedisClientLike;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  disconnect(): void;
}

export interface RedisRateLimitOptions {
  /**
   * An ioredis client (Redis or Cluster) to share quotas through. The limiter works on a duplicate of it and leaves
   * this client alone. Without it, a client is created from `clientOptions`.
   */
  client?: RedisClientLike;
  /** ioredis options (e.g. `{ host, port }`) used when no `client` is given. */
  clientOptions?: Record<string, unknown>;
  /**
   * Name of the shared quota. Processes using the same provider credential must use the same id (the default is
   * derived from a SHA-256 fingerprint of the credential, or "shared" when credentials are functions).
   */
  id?: string;
  /** When Redis cannot be reached: "fail" rejects calls with RateLimiterUnavailableError (default); "local" limits in this process alone. */
  onError?: "fail" | "local";
  /** How long to wait for Redis to connect, and for one limiter command, before treating it as unreachable (default 2000 ms). */
  connectTimeoutMs?: number;
  /**
   * How often a process checks in with the shared window while it serves calls from its block, and re-asks while
   * its calls wait; bounds how late a 429 seen elsewhere or a refilled window is noticed (default 100 ms).
   */
  heartbeatMs?: number;
}

type LinkState = "connecting" | "up" | "down";
type Script = (...args: (string | number)[]) => Promise<unknown>;

const SCRIPTS = {
  bizchatTakeBlock: TAKE_BLOCK,
  bizchatGiveBack: GIVE_BACK,
  bizchatAdoptReading: ADOPT_READING,
  bizchatHold: HOLD,
  bizchatTakeSlot: TAKE_SLOT,
  bizchatReleaseSlot: RELEASE_SLOT,
} as const;

/** A block is at most 1/divisor of what the window has left, but never less than `least` tokens (if left). */
export interface BlockShare {
  divisor: number;
  least: number;
}

/** How close two window ends must be to be the same window, and the window's length. */
export interface AdoptWindow {
  toleranceMs: number;
  intervalMs: number;
}

/** What Redis answered to a block request. */
export interface Block {
  granted: number;
  end: number;
  left: number;
  hold: number;
}

export class RedisLink {
  readonly client: RedisClientLike;
  readonly connectTimeoutMs: number;
  private state: LinkState = "connecting";
  private lastError: unknown;
  private readonly listeners = new Set<(state: LinkState) => void>();
  private readonly connectTimer: NodeJS.Timeout;
  private readonly scripts: Record<keyof typeof SCRIPTS, Script>;

  private constructor(client: RedisClientLike, connectTimeoutMs: number) {
    this.client = client;
    this.connectTimeoutMs = connectTimeoutMs;
    for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 1, lua });
    this.scripts = client as unknown as Record<keyof typeof SCRIPTS, Script>;
    // Without an error listener ioredis' "error" events would be unhandled; the state change is what matters to
    // callers, the error text is kept for the message of RateLimiterUnavailableError.
    client.on("error", (error) => (this.lastError = error));
    client.on("ready", () => this.setState("up"));
    client.on("close", () => this.setState("down"));
    client.on("end", () => this.setState("down"));
    if (client.status === "ready") this.state = "up";
    this.connectTimer = setTimeout(() => {
      if (this.state === "connecting") this.setState("down");
    }, connectTimeoutMs);
    this.connectTimer.unref();
  }

  /** Connects with options that make every command fail fast rather than queue while Redis is away. */
  static async open(options: RedisRateLimitOptions): Promise<RedisLink> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    const failFast = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: connectTimeoutMs,
      connectTimeout: connectTimeoutMs,
    };
    if (options.client) return new RedisLink(duplicate(options.client, failFast), connectTimeoutMs);
    let Redis: new (options: Record<string, unknown>) => RedisClientLike;
    try {
      ({ Redis } = (await import("ioredis")) as unknown as { Redis: typeof Redis });
    } catch (cause) {
      throw new Error("rateLimit.redis needs the ioredis package: npm install ioredis", { cause });
    }
    return new RedisLink(new Redis({ ...options.clientOptions, ...failFast }), connectTimeoutMs);
  }

  get current(): LinkState {
    return this.state;
  }

  get reason(): string {
    const text =
      this.lastError instanceof Error
        ? this.lastError.message
        : this.state === "connecting"
          ? "not connected yet"
          : "connection closed";
    return text;
  }

  private setState(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    if (state !== "connecting") clearTimeout(this.connectTimer);
    for (const listener of this.listeners) listener(state);
  }

  onChange(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the link is up or known to be down (at most connectTimeoutMs after opening). */
  settled(): Promise<LinkState> {
    if (this.state !== "connecting") return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const off = this.onChange((state) => {
        off();
        resolve(state);
      });
    });
  }

  async takeBlock(key: string, now: number, limit: number, intervalMs: number, want: number, share: BlockShare) {
    const { divisor, least } = share;
    const reply = (await this.scripts.bizchatTakeBlock(
      key,
      now,
      limit,
      intervalMs,
      want,
      divisor,
      least,
      KEY_GRACE_MS,
    )) as number[];
    const [granted, end, left, hold] = reply.map(Number) as [number, number, number, number];
    return { granted, end, left, hold } satisfies Block;
  }

  giveBack(key: string, tokens: number, end: number): Promise<unknown> {
    return this.scripts.bizchatGiveBack(key, tokens, end);
  }

  adoptReading(key: string, now: number, reading: { remaining?: number; end?: number }, window: AdoptWindow) {
    const { toleranceMs, intervalMs } = window;
    const { remaining = "", end = "" } = reading;
    return this.scripts.bizchatAdoptReading(key, now, remaining, end, toleranceMs, KEY_GRACE_MS, intervalMs);
  }

  hold(key: string, until: number): Promise<unknown> {
    return this.scripts.bizchatHold(key, until, KEY_GRACE_MS);
  }

  async takeSlot(key: string, now: number, cap: number, member: string, ttlMs: number): Promise<boolean> {
    return Number(await this.scripts.bizchatTakeSlot(key, now, cap, member, ttlMs)) === 1;
  }

  releaseSlot(key: string, member: string): Promise<unknown> {
    return this.scripts.bizchatReleaseSlot(key, member);
  }

  close(): void {
    clearTimeout(this.connectTimer);
    this.listeners.clear();
    this.state = "down";
    this.client.disconnect();
  }
}

/** ioredis' Redis#duplicate takes options; Cluster#duplicate takes start-up nodes first, then options. */
function duplicate(client: RedisClientLike, options: Record<string, unknown>): RedisClientLike {
  const copy = (...args: unknown[]) =>
    (client.duplicate as (...args: unknown[]) => RedisClientLike).apply(client, args);
  if (!(client as { isCluster?: boolean }).isCluster) return copy(options);
  // A cluster's own offline queue must stay off; its nodes' must stay on, or the slot map never loads.
  const { enableOfflineQueue, ...nodeOptions } = options;
  return copy(undefined, { enableOfflineQueue, redisOptions: nodeOptions });
}
