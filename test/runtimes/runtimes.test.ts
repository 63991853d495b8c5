// Every runtime, proven: the scenario (verifiers, parsers, receivers, a client call against a local node:http server)
// bundled with esbuild and run on Node, Bun and Deno as child processes and on Cloudflare workerd through Miniflare.
// Each must print the same results. The client call goes through the transport, which the core helper is making
// portable (undici on Node, fetch elsewhere): its assertion is kept apart, and it runs on every runtime too.
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { Miniflare, fetch as nodeFetch } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = (name: string) => path.join(root, "node_modules/.bin", name);

let server: Server;
let baseUrl: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = JSON.stringify({ account_id: 123, room_id: 322, name: "ランタイム 太郎", avatar_image_url: "" });
    res.writeHead(req.url === "/me" ? 200 : 404, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(tmpdir(), "bizchat-runtimes-"));
  await build({
    entryPoints: [path.join(root, "test/runtimes/cli-entry.ts")],
    outfile: path.join(dir, "cli.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    external: ["ioredis"],
    logLevel: "error",
  });
  // The client loads ioredis only for a Redis-shared limiter, which the scenario does not use: a stub keeps Node's
  // net/tls out of the worker bundle.
  const ioredisStub = path.join(dir, "ioredis-stub.mjs");
  await writeFile(ioredisStub, 'export class Redis { constructor() { throw new Error("ioredis is not bundled"); } }\n');
  await build({
    entryPoints: [path.join(root, "test/runtimes/worker-entry.ts")],
    alias: { ioredis: ioredisStub },
    outfile: path.join(dir, "worker.mjs"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    external: ["node:*"],
    logLevel: "error",
  });
}, 60_000);

afterAll(async () => {
  server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Results {
  verify: boolean[];
  parse: { line: string[]; chatwork: string; lineworks: string };
  receivers: { statuses: number[]; delivered: string[] };
  client: { accountId?: number; error?: string };
}

function expectWebhookResults(results: Results): void {
  expect(results.verify).toEqual([true, true, true, false]);
  expect(results.parse).toEqual({
    line: ["botSuspended", "invalid", "unknown"],
    chatwork: "mention_to_me",
    lineworks: "message",
  });
  expect(results.receivers).toEqual({
    statuses: [200, 401, 200, 200],
    delivered: ["line:botSuspended", "line:invalid", "line:unknown", "chatwork:mention_to_me", "lineworks:message"],
  });
}

/** Depends on the core helper's portable transport (merged separately); runs on every runtime regardless. */
function expectClientCall(results: Results): void {
  expect(results.client).toEqual({ accountId: 123 });
}

async function child(command: string, args: string[]): Promise<Results> {
  const { stdout } = await run(command, args, { cwd: dir, timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Results;
}

const runtimes: Record<string, () => Promise<Results>> = {
  node: () => child(process.execPath, [path.join(dir, "cli.mjs"), baseUrl]),
  bun: () => child(bin("bun"), [path.join(dir, "cli.mjs"), baseUrl]),
  deno: () =>
    child(bin("deno"), [
      "run",
      "--quiet",
      "--no-config",
      "--allow-net",
      "--allow-env",
      path.join(dir, "cli.mjs"),
      baseUrl,
    ]),
  workerd: async () => {
    const mf = new Miniflare({
      modules: true,
      scriptPath: path.join(dir, "worker.mjs"),
      modulesRoot: dir,
      compatibilityDate: "2025-09-01",
      compatibilityFlags: ["nodejs_compat"],
      bindings: { BASE_URL: baseUrl },
      // workerd reaches public addresses only; the worker's own fetch is relayed to the loopback server from here.
      outboundService: (request: Parameters<typeof nodeFetch>[0]) => nodeFetch(request),
    });
    try {
      const response = await mf.dispatchFetch("http://localhost/");
      const text = await response.text();
      if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as Results;
    } finally {
      await mf.dispose();
    }
  },
};

describe.each(Object.keys(runtimes))("%s", (name) => {
  let results: Results;
  beforeAll(async () => {
    results = await runtimes[name]!();
  }, 90_000);

  it("verifies, parses (a mixed LINE batch: 3 of 3 delivered) and receives webhooks", () => {
    expectWebhookResults(results);
  });

  it("makes a client call against a local server", () => {
    expectClientCall(results);
  });
});
