// A greedy caller against a server that enforces Chatwork's window (300 per 5 min, scaled to 300 per 3 s): the
// limiter must use the quota (≥ 98 %) without a single 429, aligning itself to the server's reset header.
import { afterEach, describe, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { startQuotaServer, type QuotaServer } from "../support/quota-server.js";

let server: QuotaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("local limiter against an enforcing server", () => {
  it("a greedy caller gets ≥ 98 % of the quota and zero 429s", async () => {
    const limit = 300;
    const windowMs = 3000;
    server = await startQuotaServer(limit, windowMs);
    const client = createChatworkClient({
      token: "greedy-token",
      baseUrl: server.url,
      rateLimit: { classes: { default: { limit, intervalMs: windowMs } } },
    });
    const startedAt = Date.now();
    const runUntil = startedAt + 4 * windowMs + 500;
    let ok = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (Date.now() < runUntil) {
          const { data, error } = await client.GET("/me");
          if (data) ok++;
          else failures.push(error.name);
        }
      }),
    );
    await client.close();
    const used = server.quotaUsed(startedAt, runUntil);
    console.log(
      `greedy caller: ${ok} ok, ${server.rejected429} × 429, quota used ${used.accepted}/${used.windows * limit} over ${used.windows} full windows (${(used.share * 100).toFixed(1)} %)`,
    );
    expect(failures).toEqual([]);
    expect(server.rejected429).toBe(0);
    expect(used.windows).toBeGreaterThanOrEqual(3);
    expect(used.share).toBeGreaterThanOrEqual(0.98);
  }, 40_000);
});
