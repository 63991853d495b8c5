// The test kit's process handling: `exited` reports when Prism ends, and a start failure explains itself in a
// few lines instead of Prism's whole usage text.
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";
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

/** Starts a script that starts a mock, prints its URL and then ends as `ending` says; resolves with the URL. */
async function mockOfAScriptThat(ending: "throws" | "is killed"): Promise<string> {
  const testing = new URL("../../dist/src/testing.js", import.meta.url).href;
  const script = `
    const { startMockServer } = await import(${JSON.stringify(testing)});
    const mock = await startMockServer("line");
    console.log(mock.url);
    ${ending === "throws" ? 'throw new Error("the script failed");' : "setInterval(() => {}, 1000);"}
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`script exited with ${code} before printing the URL`)));
  });
  if (ending === "is killed") child.kill("SIGKILL");
  return url;
}

/** Whether something accepts a TCP connection at `url`; no request is sent (an orphaned Prism writing its request
 * log to a closed pipe would die of it, hiding the orphan). */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** True once nothing listens at `url` any more (the mock's process is gone and its port is closed). */
async function goneWithin(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await listening(url))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

it.each(["throws", "is killed"] as const)(
  "Prism ends with a script that %s (no orphan holds the port)",
  async (ending) => {
    const url = await mockOfAScriptThat(ending);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await goneWithin(url, 10_000)).toBe(true);
  },
  60_000,
);
