// The Node transport (undici, used when no fetch is injected) behaves as fetch does where callers can tell:
// redirects, compression, user-agent, abort, error mapping. Each behaviour runs through both transports against a
// local node:http server; the Node-only parts (undici error codes, pool life cycle) are pinned separately.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { NetworkError, TimeoutError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { createNodeSender } from "../../src/runtime/node-sender.js";
import { USER_AGENT } from "../../src/runtime/version.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

const servers: FaultServer[] = [];
const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startFaultServer>[0]): Promise<FaultServer> {
  const server = await startFaultServer(handler);
  servers.push(server);
  return server;
}

const TRANSPORTS = [
  { name: "Node transport (undici)", options: {} },
  { name: "injected fetch", options: { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) } },
] as const;

const me = { account_id: 1, name: "a" };
const post = { params: { path: { room_id: 322 } }, body: { body: "hello" } };

function chatwork(baseUrl: string, extra: object = {}) {
  const client = createChatworkClient({ token: "secret-token", baseUrl, rateLimit: false, ...extra });
  clients.push(client);
  return client;
}

describe.each(TRANSPORTS)("$name", ({ options }) => {
  it("follows 301/302/303 as fetch does: a POST becomes a GET without body; 307/308 keep method and body", async () => {
    const s = await serve((req, res) => {
      const hop = /\/hop\/(\d+)/.exec(req.url)?.[1];
      if (hop) return void res.writeHead(Number(hop), { location: "/final" }).end();
      json(res, 200, { message_id: "1" });
    });
    for (const [status, method, body] of [
      [301, "GET", ""],
      [302, "GET", ""],
      [303, "GET", ""],
      [307, "POST", "body=hello"],
      [308, "POST", "body=hello"],
    ] as const) {
      const client = chatwork(`${s.url}/hop/${status}`, options);
      s.received.length = 0;
      const { data } = await client.POST("/rooms/{room_id}/messages", post);
      expect(data).toEqual({ message_id: "1" });
      const final = s.received.at(-1)!;
      expect([status, final.method, final.body]).toEqual([status, method, body]);
      expect(final.headers["x-chatworktoken"]).toBe("secret-token");
      if (method === "GET") expect(final.headers["content-type"]).toBeUndefined();
    }
  });

  it("drops authorization when a redirect leaves the origin", async () => {
    const other = await serve((_req, res) => json(res, 200, { bots: [] }));
    const s = await serve((_req, res) => void res.writeHead(302, { location: `${other.url}/v2/bot/list` }).end());
    const client = createLineClient({ channelAccessToken: "line-secret", baseUrl: s.url, ...options });
    clients.push(client);
    expect((await client.GET("/v2/bot/list")).data).toEqual({ bots: [] });
    expect(s.received[0]!.headers.authorization).toBe("Bearer line-secret");
    expect(other.received[0]!.headers.authorization).toBeUndefined();
  });

  it("stops after 20 redirects", async () => {
    const s = await serve((req, res) => void res.writeHead(302, { location: `${req.url}x` }).end());
    const error = await chatwork(s.url, { ...options, retry: false })
      .GET("/me")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(s.received.length).toBe(21);
  });

  it("decompresses gzip, deflate and br answers", async () => {
    const body = Buffer.from(JSON.stringify(me));
    const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const [encoding, encode] of Object.entries(encoders)) {
      const s = await serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
        res.end(encode(body));
      });
      expect((await chatwork(s.url, options).GET("/me")).data).toEqual(me);
    }
  });

  it("an AbortSignal cancels the call while it waits for the answer and while the body arrives", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/me") return; // never answers
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"a":'); // never finishes
    });
    const client = chatwork(s.url, options);
    for (const path of ["/me", "/rooms"] as const) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error(`stop ${path}`)), 100);
      const error = await client.GET(path, { signal: controller.signal }).catch((e: unknown) => e);
      expect((error as Error).message).toBe(`stop ${path}`);
    }
  });

  it("an AbortSignal cancels a call waiting for the limiter, before anything is sent", async () => {
    const s = await serve((_req, res) => json(res, 200, me));
    const client = createChatworkClient({
      token: "t",
      baseUrl: s.url,
      rateLimit: { classes: { default: { limit: 1, intervalMs: 60_000 } } },
      ...options,
    });
    clients.push(client);
    await client.GET("/me");
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop waiting")), 100);
    const error = await client.GET("/me", { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("stop waiting");
    expect(s.count()).toBe(1);
  });
});

describe("Node transport only", () => {
  it("sends a user-agent naming the package and version, and asks for compression", async () => {
    const s = await serve((_req, res) => json(res, 200, me));
    await chatwork(s.url).GET("/me");
    const version = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
    expect(USER_AGENT).toBe(`bizchat-openapi/${version}`);
    expect(s.received[0]!.headers["user-agent"]).toBe(USER_AGENT);
    expect(s.received[0]!.headers["accept-encoding"]).toBe("gzip, deflate, br");
  });

  it("drops the provider's credential header too when a redirect leaves the origin", async () => {
    const other = await serve((_req, res) => json(res, 200, me));
    const s = await serve((_req, res) => void res.writeHead(307, { location: `${other.url}/me` }).end());
    expect((await chatwork(s.url).GET("/me")).data).toEqual(me);
    expect(s.received[0]!.headers["x-chatworktoken"]).toBe("secret-token");
    expect(other.received[0]!.headers["x-chatworktoken"]).toBeUndefined();
  });

  it("a socket closed after the request was sent: GET retried, POST not (it may have been processed)", async () => {
    const s = await serve((req, res) => {
      if (s.count() === 1) return void res.socket?.destroy();
      json(res, 200, req.method === "GET" ? me : { message_id: "1" });
    });
    const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 };
    expect((await chatwork(s.url, { retry }).GET("/me")).data).toEqual(me);
    expect(s.count()).toBe(2);
    s.received.length = 0;
    const error = await chatwork(s.url, { retry })
      .POST("/rooms/{room_id}/messages", post)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect((error as NetworkError).retryable).toBe(false);
    expect(s.count()).toBe(1);
  });

  it("a refused connection was not sent: a POST is retried", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe: Server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const error = await chatwork(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 2, baseDelayMs: 1 } })
      .POST("/rooms/{room_id}/messages", post)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("ECONNREFUSED");
    expect((error as NetworkError).message).toContain("after 2 attempt(s)");
  });

  it("undici's headers time-out (limits of 5 s and more use undici's own timers) is a TimeoutError", async () => {
    const s = await serve(() => undefined);
    const error = await chatwork(s.url, { retry: false, timeoutMs: 5_000 })
      .GET("/me")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(((error as TimeoutError).cause as { code?: string }).code).toBe("UND_ERR_HEADERS_TIMEOUT");
  }, 15_000);

  it("ApiError.request holds the method, URL and redacted headers actually sent", async () => {
    const s = await serve((_req, res) => json(res, 404, { errors: ["no"] }));
    const { error } = await chatwork(s.url, { retry: false }).GET("/rooms/{room_id}", {
      params: { path: { room_id: 7 } },
    });
    expect(error!.request).toEqual({
      method: "GET",
      url: `${s.url}/rooms/7`,
      headers: { "user-agent": USER_AGENT, "accept-encoding": "gzip, deflate, br", "x-chatworktoken": "[REDACTED]" },
    });
  });

  it("close() closes the pool: the server sees its keep-alive connections end", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(me));
    });
    let open = 0;
    server.on("connection", (socket) => {
      open++;
      socket.on("close", () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createChatworkClient({ token: "t", baseUrl: url, rateLimit: false });
    await Promise.all([client.GET("/me"), client.GET("/me"), client.GET("/me")]);
    expect(open).toBeGreaterThan(0);
    await client.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(open).toBe(0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe("Node transport's sender", () => {
  const limits = () => ({
    timeoutMs: 30_000,
    maxResponseBytes: 1024,
    signal: undefined as AbortSignal | undefined,
    credentialHeaders: [],
    tooLarge: (status: number, bytes: number) => new Error(`too large: ${status} ${bytes}`),
  });
  const get = (url: string, p: string) => ({ method: "GET", origin: url, path: p, headers: {}, body: null });

  it("an AbortSignal cancels a request still queued for a connection, and it is never sent", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/slow") setTimeout(() => json(res, 200, me), 300);
      else json(res, 200, me);
    });
    const sender = createNodeSender({ connections: 1 });
    try {
      const slow = sender.send(get(s.url, "/slow"), limits());
      const controller = new AbortController();
      const queued = sender.send(get(s.url, "/queued"), { ...limits(), signal: controller.signal });
      setTimeout(() => controller.abort(new Error("stop queued")), 50);
      const started = Date.now();
      await expect(queued).rejects.toThrow("stop queued");
      expect(Date.now() - started).toBeLessThan(250); // not held until the busy connection frees up
      expect((await slow).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      expect(s.received.map((r) => r.url)).toEqual(["/slow"]);
    } finally {
      await sender.close();
    }
  });

  it("an interim 1xx answer is skipped: the final answer's status, headers and body come back", async () => {
    const server = createServer((_req, res) => {
      res.writeEarlyHints({ link: "</style.css>; rel=preload" });
      json(res, 200, me);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sender = createNodeSender();
    try {
      const answer = await sender.send(get(url, "/me"), limits());
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toMatch(/json/);
      expect(JSON.parse(new TextDecoder().decode(answer.bytes))).toEqual(me);
    } finally {
      await sender.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("which transport", () => {
  it("Node without an injected fetch uses undici; a runtime that only looks like Node (Deno, Bun) uses its fetch", async () => {
    const s = await serve((_req, res) => json(res, 200, me));
    let fetched = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => (fetched++, realFetch(input, init));
    try {
      await chatwork(s.url).GET("/me");
      expect(fetched).toBe(0);
      (globalThis as { Deno?: unknown }).Deno = {};
      await chatwork(s.url).GET("/me");
      expect(fetched).toBe(1);
      delete (globalThis as { Deno?: unknown }).Deno;
      Object.defineProperty(process.versions, "bun", { value: "1.2.0", configurable: true });
      await chatwork(s.url).GET("/me");
      expect(fetched).toBe(2);
    } finally {
      globalThis.fetch = realFetch;
      delete (globalThis as { Deno?: unknown }).Deno;
      delete (process.versions as Record<string, string | undefined>).bun;
    }
    expect(s.received.map((r) => r.headers["user-agent"])).toEqual([USER_AGENT, USER_AGENT, USER_AGENT]);
  });
});

it("undici is loaded only by the Node transport, and that only through import() on first use", () => {
  const dir = "src/runtime";
  // The Node transport's own files: node-sender.ts, and the dispatch handler only it imports.
  const nodeTransport = ["node-sender.ts", "answer-collector.ts"];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(path.join(dir, file), "utf8");
    if (!nodeTransport.includes(file)) {
      expect(text, file).not.toMatch(/from "undici"|from "node:zlib"/);
      expect(text, file).not.toMatch(/"\.\/answer-collector\.js"/);
    }
    expect(text, file).not.toMatch(/^import[^;]*"\.\/node-sender\.js"/m);
  }
  expect(readFileSync(path.join(dir, "client.ts"), "utf8")).toContain('import("./node-sender.js")');
});
