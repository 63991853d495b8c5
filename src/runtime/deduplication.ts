// De-duplication of redelivered webhook events. Providers deliver at least once (LINE resends failed deliveries and
// marks them `deliveryContext.isRedelivery`: https://developers.line.biz/en/docs/messaging-api/receiving-messages/#webhook-redelivery);
// claiming each event's key before the callback runs makes that effectively once. In-memory for one process, Redis
// (SET NX PX) for several.

export interface DeduplicationStore {
  /** True when `key` was not seen within `ttlMs` (and is now claimed); false for a duplicate. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Forgets `key`, so a redelivery of an event whose callback failed is handled again. */
  release(key: string): Promise<void>;
}

export interface MemoryDeduplicationOptions {
  /** Keys kept at most; the least recently claimed go first. Default 10,000. */
  maxKeys?: number;
}

/** An in-process LRU of claimed keys with expiry. Enough for one process; use redisDeduplication for several. */
export function memoryDeduplication(options: MemoryDeduplicationOptions = {}): DeduplicationStore {
  const maxKeys = options.maxKeys ?? 10_000;
  const expiries = new Map<string, number>();
  return {
    claim(key, ttlMs) {
      const now = Date.now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > now) return Promise.resolve(false);
      expiries.delete(key);
      expiries.set(key, now + ttlMs);
      // Map keeps insertion order: the first keys are the oldest claims.
      for (const oldest of expiries.keys()) {
        if (expiries.size <= maxKeys) break;
        expiries.delete(oldest);
      }
      return Promise.resolve(true);
    },
    release(key) {
      expiries.delete(key);
      return Promise.resolve();
    },
  };
}

/** The part of an ioredis client this store uses. */
export interface RedisSetClient {
  set(key: string, value: string, px: "PX", ttlMs: number, nx: "NX"): Promise<string | null>;
  del(key: string): Promise<number>;
}

export interface RedisDeduplicationOptions {
  /** Prefix of every key. Default `bizchat:webhook:`. */
  prefix?: string;
}

/** Keys claimed with `SET key 1 PX ttl NX` (https://redis.io/docs/latest/commands/set/), shared by every process. */
export function redisDeduplication(redis: RedisSetClient, options: RedisDeduplicationOptions = {}): DeduplicationStore {
  const prefix = options.prefix ?? "bizchat:webhook:";
  return {
    async claim(key, ttlMs) {
      return (await redis.set(prefix + key, "1", "PX", Math.max(1, Math.round(ttlMs)), "NX")) === "OK";
    },
    async release(key) {
      await redis.del(prefix + key);
    },
  };
}
