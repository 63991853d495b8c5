// One Chatwork quota shared by four processes through a real redis-server (leased blocks of one window),
// against a server that enforces the window; then Redis killed mid-run, with each `onError` policy.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, expect, it } from "vitest";
import { RateLimiterUnavailableError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { startQuotaServer, type QuotaServer } from "../support/quota-server.js";
import { startRedis, type RedisProcess } from "../support/redis-server.js";
import { describeNeeding } from "../support/system-tools.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const worker = path.join(here, "../support/quota-worker.mjs");

let server: QuotaServer | undefined;
let redis: RedisProcess | undefined;
afterEach(async () => {
  await server?.close();
  await redis?.kill();
  server = undefined;
  redis = undefined;
});

beforeAll(() => {
  if (!existsSync(path.join(here, "../../dist/src/chatwork/index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test builds before running vitest)");
  }
});

interface WorkerOutcome {
  ok: number;
  errors: Record<string, number>;
  userClientStatus?: string;
}

function runWorker(config: Record<string, unknown>): Promise<WorkerOutcome> {
  return new Promise((resolve, reject) => {
    const child = fork(worker, [JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`worker exited with ${code}: ${err}`));
      resolve(JSON.parse(out) as WorkerOutcome);
    });
  });
}

describeNeeding(["redis-server"], "distributed limiter (redis-server)", () => {
  it("4 processes share one quota: zero 429s and ≥ 95 % of the quota used", async () => {
    const limit = 300;
    const windowMs = 3000;
    redis = await startRedis();
    server = await startQuotaServer(limit, windowMs);
    // Workers need a moment to start, and a window to align the shared one to the server's (the window in which they
    // first adopt the server's reset is spent conservatively): measure from here.
    const startedAt = Date.now() + 1500 + windowMs;
    const runUntil = startedAt + 4 * windowMs;
    const config = {
      url: server.url,
      redisPort: redis.port,
      limit,
      windowMs,
      runUntil,
      concurrency: 8,
      id: "shared-test",
      onError: "fail",
    };
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => runWorker({ ...config, useClient: n % 2 === 0 })));
    const used = server.quotaUsed(startedAt, runUntil);
    const ok = outcomes.reduce((sum, o) => sum + o.ok, 0);
    console.log(
      `4 workers via Redis: ${ok} ok (${outcomes.map((o) => o.ok).join(" / ")}), ${server.rejected429} × 429, ` +
        `quota used ${used.accepted}/${used.windows * limit} over ${used.windows} full windows (${(used.share * 100).toFixed(1)} %), ` +
        `errors ${JSON.stringify(outcomes.map((o) => o.errors))}`,
    );
    expect(outcomes.map((o) => o.errors)).toEqual([{}, {}, {}, {}]);
    expect(server.rejected429).toBe(0);
    expect(used.windows).toBeGreaterThanOrEqual(3);
    expect(used.share).toBeGreaterThanOrEqual(0.95);
    // Every process got a share: the quota really is shared, not won by one.
    for (const outcome of outcomes) expect(outcome.ok).toBeGreaterThan(limit / 10);
    expect(outcomes.map((o) => o.userClientStatus)).toEqual([undefined, "ready", undefined, "ready"]);
  }, 60_000);
});

/** Runs `concurrency` callers until `runMs` has passed, killing Redis after `killAfterMs`; records every outcome. */
async function callThroughRedisLoss(onError: "fail" | "local", killAfterMs: number | null) {
  const client = createChatworkClient({
    token: "redis-loss-token",
    baseUrl: server!.url,
    retry: false,
    rateLimit: {
      classes: { default: { limit: 100_000, intervalMs: 1000 } }, // the server's quota: only Redis is in the way
      redis: {
        clientOptions: { host: "127.0.0.1", port: redis!.port },
        onError,
        id: `loss-${onError}`,
        connectTimeoutMs: 500,
      },
    },
  });
  const outcomes: Record<string, number> = {};
  let calls = 0;
  let slowest = 0;
  const startedAt = Date.now();
  const killer =
    killAfterMs === null ? Promise.resolve() : new Promise((r) => setTimeout(r, killAfterMs)).then(() => redis!.kill());
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() - startedAt < 2500) {
        calls++;
        const began = Date.now();
        let hangTimer: NodeJS.Timeout | undefined;
        const hang = new Promise<string>((r) => (hangTimer = setTimeout(() => r("hung"), 8000)));
        const outcome = await Promise.race([
          client.GET("/me").then(
            ({ data, error }) => (data ? "ok" : error.name),
            (error: unknown) =>
              error instanceof RateLimiterUnavailableError ? "RateLimiterUnavailableError" : `other: ${String(error)}`,
          ),
          hang,
        ]);
        clearTimeout(hangTimer);
        slowest = Math.max(slowest, Date.now() - began);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome !== "ok") await new Promise((r) => setTimeout(r, 10));
      }
    }),
  );
  await killer;
  await client.close();
  return { outcomes, calls, slowest };
}

describeNeeding(["redis-server"], "when Redis goes away", () => {
  it('onError "fail": calls fail fast with RateLimiterUnavailableError; none hangs, none is lost', async () => {
    redis = await startRedis();
    server = await startQuotaServer(100_000, 1000, 10);
    const { outcomes, calls, slowest } = await callThroughRedisLoss("fail", 1000);
    console.log(
      `onError fail: ${calls} calls → ${JSON.stringify(outcomes)}, slowest ${slowest} ms, server accepted ${[...server.acceptedByWindow.values()].reduce((a, b) => a + b, 0)}`,
    );
    expect(Object.keys(outcomes).sort()).toEqual(["RateLimiterUnavailableError", "ok"]);
    expect(outcomes.ok! + outcomes.RateLimiterUnavailableError!).toBe(calls);
    // Every call the server answered came back as data, and no failed call reached the server.
    expect([...server.acceptedByWindow.values()].reduce((a, b) => a + b, 0)).toBe(outcomes.ok);
    expect(slowest).toBeLessThan(3000);
  }, 30_000);

  it('onError "local": calls go on, limited in this process; none hangs, none is lost', async () => {
    redis = await startRedis();
    server = await startQuotaServer(100_000, 1000, 10);
    const { outcomes, calls, slowest } = await callThroughRedisLoss("local", 1000);
    console.log(`onError local: ${calls} calls → ${JSON.stringify(outcomes)}, slowest ${slowest} ms`);
    expect(outcomes).toEqual({ ok: calls });
    expect([...server.acceptedByWindow.values()].reduce((a, b) => a + b, 0)).toBe(calls);
    expect(slowest).toBeLessThan(3000);
  }, 30_000);

  it("a Redis that is not there at all: fail mode rejects within connectTimeoutMs, local mode calls through", async () => {
    redis = await startRedis();
    await redis.kill(); // its port is now closed
    server = await startQuotaServer(100_000, 1000, 1);
    for (const onError of ["fail", "local"] as const) {
      const client = createChatworkClient({
        token: "no-redis-token",
        baseUrl: server.url,
        rateLimit: {
          redis: { clientOptions: { host: "127.0.0.1", port: redis.port }, onError, connectTimeoutMs: 500 },
        },
      });
      const began = Date.now();
      const result = await client.GET("/me").then(
        ({ data }) => (data ? "ok" : "error answer"),
        (error: unknown) => error,
      );
      const tookMs = Date.now() - began;
      await client.close();
      if (onError === "fail") {
        expect(result).toBeInstanceOf(RateLimiterUnavailableError);
        expect((result as Error).message).toMatch(
          /getMe: the shared rate limiter's Redis is unreachable \(.*ECONNREFUSED/,
        );
        expect(String((result as Error).stack)).not.toContain("no-redis-token");
      } else {
        expect(result).toBe("ok");
      }
      expect(tookMs).toBeLessThan(1500);
    }
  }, 30_000);
});

describeNeeding(["redis-server"], "waiting on the shared limiter", () => {
  it("a caller's AbortSignal ends the wait in the Redis limiter, and nothing is sent", async () => {
    redis = await startRedis();
    server = await startQuotaServer(1, 30_000, 1);
    // Start well inside a server window so the wait below cannot end by a reset.
    const intoWindow = Date.now() % 30_000;
    if (intoWindow > 25_000) await new Promise((r) => setTimeout(r, 30_000 - intoWindow + 100));
    const client = createChatworkClient({
      token: "abort-token",
      baseUrl: server.url,
      retry: false,
      rateLimit: {
        classes: { default: { limit: 1, intervalMs: 30_000 } },
        redis: { clientOptions: { host: "127.0.0.1", port: redis.port }, id: "abort" },
      },
    });
    expect((await client.GET("/me")).data).toBeDefined();
    const controller = new AbortController();
    const began = Date.now();
    const waiting = client.GET("/me", { signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort(new Error("caller gave up")), 300);
    const outcome = await waiting;
    await client.close();
    expect((outcome as Error).message).toBe("caller gave up");
    expect(Date.now() - began).toBeLessThan(1500);
    expect([...server.acceptedByWindow.values()].reduce((a, b) => a + b, 0)).toBe(1);
  }, 45_000);
});
