// A real redis-server on a free loopback port, for the distributed rate-limit tests (.ci/run installs the
// Debian package when it is missing). No persistence: every run starts empty.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../src/free-port.js";
import { Redis } from "ioredis";

export interface RedisProcess {
  port: number;
  url: string;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
  } catch (error) {
    throw new Error(`cannot start redis-server (install the Debian package redis-server): ${String(error)}`);
  }
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (error) =>
      reject(new Error(`cannot start redis-server (install the Debian package redis-server): ${error.message}`)),
    ),
  );
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    retryStrategy: () => 50,
    maxRetriesPerRequest: 0,
  });
  probe.on("error", () => undefined); // refused until the server listens
  const deadline = Date.now() + 10_000;
  const ready = (async () => {
    for (;;) {
      try {
        await probe.connect().catch(() => undefined);
        if ((await probe.ping()) === "PONG") return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  })();
  await Promise.race([ready, spawnError]);
  probe.disconnect();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
