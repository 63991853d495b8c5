// The test kit's process handling: `exited` reports when Prism ends, and a start failure explains itself in a
// few lines instead of Prism's whole usage text.
import { createServer } from "node:net";
import { expect, it } from "vitest";
import { startMockServer } from "../../src/testing.js";

it("exited resolves once the mock is closed", async () => {
  const mock = await startMockServer("line");
  const answered = await fetch(`${mock.url}/v2/bot/list?limit=1`, { headers: { authorization: "Bearer t" } });
  expect(answered.status).toBeLessThan(500);
  let exitedEarly = false;
  void mock.exited.then(() => (exitedEarly = true));
  await new Promise((r) => setTimeout(r, 100));
  expect(exitedEarly).toBe(false);
  await mock.close();
  await expect(mock.exited).resolves.not.toBeUndefined();
}, 30_000);

it("a port that is taken fails the start with a short message", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const error = await startMockServer("line", { port, startTimeoutMs: 20_000 }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Prism (exited with code|did not start)/);
    expect((error as Error).message.split("\n").length).toBeLessThanOrEqual(11);
  } finally {
    blocker.close();
  }
}, 30_000);
