// One client process for the quota benchmark: greedy callers against the enforcing server until `runUntil`, with
// the Chatwork limiter scaled to the server's window, sharing it through Redis when `redisPort` is given. Prints
// its counts as JSON.
import { createChatworkClient } from "../dist/src/chatwork/index.js";

const config = JSON.parse(process.argv[2]);
const client = createChatworkClient({
  token: "bench-quota-token",
  baseUrl: config.url,
  rateLimit: {
    classes: { default: { limit: config.limit, intervalMs: config.windowMs } },
    ...(config.redisPort
      ? { redis: { clientOptions: { host: "127.0.0.1", port: config.redisPort }, id: config.id, onError: "fail" } }
      : {}),
  },
});
const outcome = { ok: 0, rateLimited: 0, failed: 0 };
// Calls still waiting in the limiter at the end are abandoned, not counted. The run ends at `runUntil`, or earlier
// at the `{ stopAt }` the parent sends once every process has made its first call (a loaded machine starts them slowly).
const controller = new AbortController();
const stop = controller.signal;
const stopAt = (at) => setTimeout(() => controller.abort(), Math.max(0, at - Date.now()));
let stopTimer = stopAt(config.runUntil);
process.on("message", (message) => {
  clearTimeout(stopTimer);
  stopTimer = stopAt(message.stopAt);
});
let ready = false;
await Promise.all(
  Array.from({ length: config.concurrency }, async () => {
    while (!stop.aborted) {
      try {
        const { error } = await client.GET("/me", { signal: stop });
        if (!ready) {
          ready = true;
          process.send?.({ ready: true });
        }
        if (!error) outcome.ok++;
        else if (error.status === 429) outcome.rateLimited++;
        else outcome.failed++;
      } catch (error) {
        if (stop.aborted) break;
        outcome.failed++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }),
);
clearTimeout(stopTimer);
await client.close();
process.stdout.write(JSON.stringify(outcome) + "\n");
process.exit(0);
