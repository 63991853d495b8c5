// A call held by the in-process limiter keeps Node alive until it runs: a script whose only pending work is a
// rate-limited call must not exit mid-wait (an idle refill timer, on the other hand, must not hold the process).
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { startQuotaServer, type QuotaServer } from "../support/quota-server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let server: QuotaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function runScript(code: string): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--input-type=module", "-e", code],
      { cwd: root, timeout: 20_000 },
      (_error, stdout) => resolve({ code: child.exitCode, stdout, ms: Date.now() - started }),
    );
  });
}

it("a second call waiting for the window keeps the process alive, and the process exits once idle", async () => {
  server = await startQuotaServer(1, 2000, 1);
  const script = `
import { createChatworkClient } from "./dist/src/chatwork/index.js";
const client = createChatworkClient({ token: "t", baseUrl: ${JSON.stringify(server.url)}, rateLimit: { classes: { default: { limit: 1, intervalMs: 2000 } } } });
const a = await client.GET("/me");
const b = await client.GET("/me");
console.log(JSON.stringify([Boolean(a.data), Boolean(b.data)]));
`;
  const result = await runScript(script);
  expect(result.stdout.trim()).toBe("[true,true]");
  expect(result.code).toBe(0);
  // Exits soon after the second call instead of waiting for further refills.
  expect(result.ms).toBeLessThan(8000);
}, 30_000);
