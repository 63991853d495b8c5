// Redeliveries: the same LINE delivery sent twice reaches the callback once — in one process through the default
// in-memory store, across two receivers (as two processes would be) through a real redis-server. An event whose
// callback failed is handled again when it is redelivered.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryDeduplication, redisDeduplication } from "../../src/index.js";
import { lineWebhookHandler, type LineWebhookEvent } from "../../src/line/index.js";
import { signWebhook } from "../../src/testing.js";
import { startRedis, type RedisProcess } from "../support/redis-server.js";

const channelSecret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
const event = (id: string, isRedelivery = false) => ({
  type: "botResumed",
  mode: "active",
  timestamp: 1767225600000,
  webhookEventId: id,
  deliveryContext: { isRedelivery },
});
const delivery = (...events: unknown[]) => {
  const body = JSON.stringify({ destination: "Ud335ff95a0468833bba7810b8f0b084b", events });
  return () =>
    new Request("http://localhost/webhook", {
      method: "POST",
      headers: signWebhook("line", body, channelSecret).headers,
      body,
    });
};

describe("de-duplication", () => {
  it("in memory (the default): the same delivery twice is handled once; a new event is not held back", async () => {
    const seen: LineWebhookEvent[] = [];
    const handler = lineWebhookHandler({ channelSecret, onEvent: (e) => void seen.push(e) });
    const first = delivery(event("01JD0000000000000000000001"));
    expect((await handler(first())).status).toBe(200);
    expect((await handler(first())).status).toBe(200);
    await handler(delivery(event("01JD0000000000000000000001", true), event("01JD0000000000000000000002"))());
    expect(seen.map((e) => (e.type === "botResumed" ? e.webhookEventId : e.type))).toEqual([
      "01JD0000000000000000000001",
      "01JD0000000000000000000002",
    ]);
  });

  it("an event whose callback failed is handled again when redelivered", async () => {
    let calls = 0;
    const handler = lineWebhookHandler({
      channelSecret,
      deduplicate: memoryDeduplication({ maxKeys: 10 }),
      onEvent: () => {
        calls++;
        if (calls === 1) throw new Error("temporary failure");
      },
      onError: () => undefined,
    });
    const again = delivery(event("01JD0000000000000000000003"));
    await handler(again());
    await handler(again());
    await handler(again());
    expect(calls).toBe(2);
  });

  it("the memory store forgets the oldest keys beyond maxKeys", async () => {
    const store = memoryDeduplication({ maxKeys: 2 });
    expect(await store.claim("a", 60_000)).toBe(true);
    expect(await store.claim("b", 60_000)).toBe(true);
    expect(await store.claim("a", 60_000)).toBe(false);
    expect(await store.claim("c", 60_000)).toBe(true);
    expect(await store.claim("a", 60_000)).toBe(true);
  });

  describe("through Redis, shared by two receivers", () => {
    let redis: RedisProcess;
    const clients: Redis[] = [];
    beforeAll(async () => {
      redis = await startRedis();
    }, 20_000);
    afterAll(async () => {
      for (const c of clients) c.disconnect();
      await redis?.kill();
    });

    it("the same delivery sent to each is handled once", async () => {
      const seen: string[] = [];
      const receivers = ["a", "b"].map((name) => {
        const client = new Redis(redis.url);
        clients.push(client);
        return lineWebhookHandler({
          channelSecret,
          deduplicate: redisDeduplication(client, { prefix: "test:" }),
          onEvent: () => void seen.push(name),
        });
      });
      const same = delivery(event("01JD0000000000000000000004"));
      expect((await receivers[0]!(same())).status).toBe(200);
      expect((await receivers[1]!(same())).status).toBe(200);
      expect(seen).toEqual(["a"]);
      expect(await clients[0]!.pttl("test:line:01JD0000000000000000000004")).toBeGreaterThan(23 * 3600 * 1000);
    });
  });
});
