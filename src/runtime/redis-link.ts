// The Redis connection behind the distributed rate limiter, and whether it can be trusted right now.
// Bottleneck's clustering (datastore "ioredis", shared IORedisConnection) keeps each quota in Redis so several
// processes draw from one provider window (shared/reference/tooling.md §3.5). Bottleneck itself never gives up on
// a Redis that went away, so this link watches the connection and tells the buckets when to stop waiting on it.
import Bottleneck from "bottleneck";

/** The parts of an ioredis client the limiter uses (ioredis is an optional peer dependency). */
export interface RedisClientLike {
  readonly status: string;
  duplicate(override?: Record<string, unknown>): RedisClientLike;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  disconnect(): void;
}

export interface RedisRateLimitOptions {
  /**
   * An ioredis client to share quotas through. The limiter works on duplicates of it (one for commands, one for
   * pub/sub) and leaves this client alone. Without it, a client is created from `clientOptions`.
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
  /** How often each process re-reads the shared state; bounds how late a refilled window is noticed (default 100 ms). */
  heartbeatMs?: number;
}

type LinkState = "connecting" | "up" | "down";

export class RedisLink {
  readonly connection: InstanceType<typeof Bottleneck.IORedisConnection>;
  readonly client: RedisClientLike;
  readonly connectTimeoutMs: number;
  private state: LinkState = "connecting";
  private lastError: unknown;
  private readonly listeners = new Set<(state: LinkState) => void>();
  private readonly connectTimer: NodeJS.Timeout;

  private constructor(client: RedisClientLike, connectTimeoutMs: number) {
    this.client = client;
    this.connectTimeoutMs = connectTimeoutMs;
    this.connection = new Bottleneck.IORedisConnection({ client: client as never });
    // Without an error listener Bottleneck's and ioredis' "error" events would be unhandled; the state change is
    // what matters to callers, the error text is kept for the message of RateLimiterUnavailableError.
    this.connection.on("error", (error: unknown) => (this.lastError = error));
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
    if (options.client) return new RedisLink(options.client.duplicate(failFast), connectTimeoutMs);
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

  close(): void {
    clearTimeout(this.connectTimer);
    this.listeners.clear();
    this.state = "down";
    // Not flushed: pending commands of a closing client have nobody left to answer.
    void this.connection.disconnect(false);
  }
}
