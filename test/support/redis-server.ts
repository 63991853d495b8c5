// A real redis-server on a free loopback port, for the distributed rate-limit tests (.ci/run installs the
// Debian package when it is missing). No persistence: every run starts empty. `{ cluster: true }` starts a one-node
// Redis Cluster that owns every slot, which checks what a cluster checks (keys of one script in one slot).
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../src/free-port.js";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

export interface RedisProcess {
  port: number;
  url: string;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export async function startRedis(options: { cluster?: boolean } = {}): Promise<RedisProcess> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const clusterConfig = path.join(os.tmpdir(), `bizchat-redis-cluster-${port}-${process.pid}.conf`);
  if (options.cluster)
    args.push("--cluster-enabled", "yes", "--cluster-config-file", clusterConfig, "--cluster-announce-ip", "127.0.0.1");
  let child: ChildProcess;
  try {
    child = spawn("redis-server", args, { stdio: "ignore" });
  } catch (error) {
    throw new Error(`cannot start redis-server (install the Debian package redis-server): ${String(error)}`, {
      cause: error,
    });
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
  if (options.cluster) await ownAllSlots(probe);
  probe.disconnect();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => {
          rmSync(clusterConfig, { force: true });
          resolve();
        });
        child.kill("SIGKILL");
      }),
  };
}

/** Makes the lone node own all 16,384 slots and waits until the cluster reports itself healthy. */
async function ownAllSlots(node: Redis): Promise<void> {
  await node.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const info = String(await node.call("CLUSTER", "INFO"));
    if (info.includes("cluster_state:ok")) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the one-node Redis Cluster did not become healthy within 10 s");
}
