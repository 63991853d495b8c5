// One of several processes sharing one Chatwork quota through Redis (test/limiter/redis-limiter.test.ts).
// Runs greedy callers against the quota server until `runUntil`, then prints its outcome counts as JSON.
// Uses the built package (npm test builds before running vitest), as a user's process would.
import { Redis } from "ioredis";
import { createChatworkClient } from "../../dist/src/chatwork/index.js";

const config = JSON.parse(process.argv[2]);
// Half the workers hand over their own ioredis client, half give connection options: both must share one quota.
const userClient = config.useClient ? new Redis({ host: "127.0.0.1", port: config.redisPort }) : undefined;
const redisConnection = userClient
  ? { client: userClient }
  : { clientOptions: { host: "127.0.0.1", port: config.redisPort } };
const client = createChatworkClient({
  token: "quota-test-token",
  baseUrl: config.url,
  rateLimit: {
    classes: { default: { limit: config.limit, intervalMs: config.windowMs } },
    redis: { ...redisConnection, onError: config.onError, id: config.id },
  },
  timeoutMs: 5000,
});

const outcomes = { ok: 0, errors: {}, startedAt: Date.now() };
async function caller() {
  while (Date.now() < config.runUntil) {
    try {
      const { data, error } = await client.GET("/me");
      if (data) outcomes.ok++;
      else outcomes.errors[error.name] = (outcomes.errors[error.name] ?? 0) + 1;
    } catch (error) {
      const name = error?.name ?? "unknown";
      outcomes.errors[name] = (outcomes.errors[name] ?? 0) + 1;
      // Without a shared limiter this process must not spin: pause like a real caller backing off.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
await Promise.all(Array.from({ length: config.concurrency }, caller));
await client.close();
// The limiter leaves a caller's own client open: closing it is the caller's job.
if (userClient) {
  outcomes.userClientStatus = userClient.status;
  userClient.disconnect();
}
outcomes.finishedAt = Date.now();
process.stdout.write(JSON.stringify(outcomes) + "\n");
