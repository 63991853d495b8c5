// The runtime proven on Chatwork against real local HTTP servers: validation before sending, rate-limit headers
// and 429s, safe retries, time-outs, error mapping and secret redaction.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BizchatError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ServerError,
  TimeoutError,
} from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

const TOKEN = "cw-secret-token-0123456789abcdef";
let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const message = { message_id: "1928374655918273645" };
const me = {
  account_id: 123,
  room_id: 322,
  name: "山田 太郎",
  chatwork_id: "yamada",
  organization_id: 101,
  organization_name: "株式会社サンプル",
  department: "開発部",
  title: "",
  url: "",
  introduction: "",
  mail: "",
  tel_organization: "",
  tel_extension: "",
  tel_mobile: "",
  skype: "",
  facebook: "",
  twitter: "",
  avatar_image_url: "https://appdata.chatwork.com/avatar/ico_default_green.png",
  login_mail: "yamada@example.co.jp",
};

function expectNoSecret(error: unknown) {
  for (const text of [
    String((error as Error).message),
    String((error as Error).stack),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
  ]) {
    expect(text).not.toContain(TOKEN);
  }
}

describe("request validation", () => {
  it("rejects invalid input locally, names each field, pointer and rule, and sends nothing", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, message));
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const error = await client
      .POST("/rooms/{room_id}/messages", { params: { path: { room_id: 42 } }, body: { body: "", self_unread: 2 as 0 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    const issues = (error as RequestValidationError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "body.body", pointer: "/body", rule: "minLength" }),
        expect.objectContaining({ field: "body.self_unread", pointer: "/self_unread", rule: "enum" }),
      ]),
    );
    expect((error as Error).message).toContain("body.body");
    expect(server.received).toHaveLength(0);
    await client.close();
  });

  it("rejects a non-numeric 64-bit message id, a bad account-id list and an unknown query parameter", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, message));
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const bad = [
      client.GET("/rooms/{room_id}/messages/{message_id}", { params: { path: { room_id: 1, message_id: "12a" } } }),
      client.PUT("/rooms/{room_id}/members", { params: { path: { room_id: 1 } }, body: { members_admin_ids: "1,,2" } }),
      client.GET("/my/tasks", { params: { query: { status: "open", nope: 1 } as never } }),
      client.POST("/rooms", { body: { name: "x".repeat(256), members_admin_ids: "1" } }),
    ];
    for (const pending of bad) await expect(pending).rejects.toBeInstanceOf(RequestValidationError);
    expect(server.received).toHaveLength(0);
    await client.close();
  });

  it("rejects an upload over 5 MB before sending", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, { file_id: 1 }));
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const file = new File([new Uint8Array(5 * 1024 * 1024 + 1)], "big.bin");
    const error = await client
      .POST("/rooms/{room_id}/files", { params: { path: { room_id: 1 } }, body: { file } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues[0]).toMatchObject({ field: "body.file", rule: "maxBytes" });
    expect(server.received).toHaveLength(0);
    await client.close();
  });
});

describe("serialization and auth", () => {
  it("sends POST bodies form-urlencoded with the API token header", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, message));
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const { data } = await client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 42 } },
      body: { body: "[To:1] こんにちは & bye", self_unread: 1 },
    });
    expect(data?.message_id).toBe("1928374655918273645");
    const [sent] = server.received;
    expect(sent!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(sent!.headers["x-chatworktoken"]).toBe(TOKEN);
    expect(new URLSearchParams(sent!.body).get("body")).toBe("[To:1] こんにちは & bye");
    expect(sent!.url).toBe("/rooms/42/messages");
    await client.close();
  });

  it("sends the file upload as multipart with the file name", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, { file_id: 7 }));
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const file = new File(["hello"], "見積書.txt", { type: "text/plain" });
    const { data } = await client.POST("/rooms/{room_id}/files", {
      params: { path: { room_id: 1 } },
      body: { file, message: "資料です" },
    });
    expect(data).toEqual({ file_id: 7 });
    expect(server.received[0]!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(server.received[0]!.body).toContain("hello");
    await client.close();
  });

  it("uses Bearer for an OAuth access token", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, me));
    const client = createChatworkClient({ accessToken: () => "oauth-access", baseUrl: server.url });
    await client.GET("/me");
    expect(server.received[0]!.headers.authorization).toBe("Bearer oauth-access");
    await client.close();
  });
});

describe("error mapping", () => {
  it.each([
    [401, AuthenticationError, { errors: ["Invalid API token"] }],
    [404, NotFoundError, { errors: ["Resource not found"] }],
    [500, ServerError, { errors: ["Internal server error"] }],
  ])("maps %i to its class with the provider messages", async (status, ErrorClass, body) => {
    server = await startFaultServer((_req, res) =>
      json(res, status, body, {
        "x-ratelimit-limit": 300,
        "x-ratelimit-remaining": 299,
        "x-ratelimit-reset": Math.floor(Date.now() / 1000) + 300,
      }),
    );
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url, retry: false });
    const { error, data } = await client.GET("/me");
    expect(data).toBeUndefined();
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error!.status).toBe(status);
    expect(error!.messages).toEqual(body.errors);
    expect(error!.rateLimit?.remaining).toBe(299);
    expect(error!.provider).toBe("chatwork");
    expect(error!.operationId).toBe("getMe");
    expectNoSecret(error);
    await client.close();
  });

  it("keeps an empty 401 body as no messages", async () => {
    server = await startFaultServer((_req, res) => {
      res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' });
      res.end();
    });
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const { error } = await client.GET("/me");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error!.messages).toEqual([]);
    await client.close();
  });
});

describe("rate limits and retries", () => {
  it("on 429 waits for x-ratelimit-reset, then succeeds (GET)", async () => {
    const resetAt = Math.ceil(Date.now() / 1000) + 1;
    server = await startFaultServer((_req, res, i) =>
      i === 0
        ? json(
            res,
            429,
            { errors: ["Rate limit exceeded"] },
            { "x-ratelimit-limit": 300, "x-ratelimit-remaining": 0, "x-ratelimit-reset": resetAt },
          )
        : json(res, 200, me, {
            "x-ratelimit-limit": 300,
            "x-ratelimit-remaining": 299,
            "x-ratelimit-reset": resetAt + 300,
          }),
    );
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const { data } = await client.GET("/me");
    expect(data?.account_id).toBe(123);
    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.at).toBeGreaterThanOrEqual(resetAt * 1000);
    await client.close();
  });

  it("retries a POST rejected with 429 (it was not processed) but never a POST that got 500", async () => {
    server = await startFaultServer((req, res, i) => {
      if (req.url.startsWith("/rooms/1/"))
        return i === 0
          ? json(res, 429, { errors: ["Rate limit for message posting per room exceeded."] }, { "retry-after": 0 })
          : json(res, 200, message);
      json(res, 500, { errors: ["boom"] });
    });
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const ok = await client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 1 } },
      body: { body: "hi" },
    });
    expect(ok.data?.message_id).toBe(message.message_id);
    expect(server.count("POST", "/rooms/1/")).toBe(2);
    const failed = await client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 2 } },
      body: { body: "hi" },
    });
    expect(failed.error).toBeInstanceOf(ServerError);
    expect(server.count("POST", "/rooms/2/")).toBe(1);
    await client.close();
  });

  it("retries an idempotent GET on 503 and returns RateLimitError when 429 persists past the attempts", async () => {
    server = await startFaultServer((req, res, i) => {
      if (req.url === "/me") return i < 2 ? json(res, 503, { errors: ["unavailable"] }) : json(res, 200, me);
      json(res, 429, { errors: ["Rate limit exceeded"] }, { "retry-after": 0 });
    });
    const client = createChatworkClient({
      token: TOKEN,
      baseUrl: server.url,
      retry: { maxAttempts: 3, baseDelayMs: 5 },
    });
    expect((await client.GET("/me")).data?.name).toBe("山田 太郎");
    expect(server.count("GET", "/me")).toBe(3);
    const limited = await client.GET("/my/status");
    expect(limited.error).toBeInstanceOf(RateLimitError);
    expect(limited.error!.retryable).toBe(true);
    expect(server.count("GET", "/my/status")).toBe(3);
    await client.close();
  });

  it("holds calls when x-ratelimit-remaining reaches 0 until the reset time", async () => {
    const resetAt = Math.ceil(Date.now() / 1000) + 1;
    server = await startFaultServer((_req, res, i) =>
      json(res, 200, me, {
        "x-ratelimit-limit": 300,
        "x-ratelimit-remaining": i === 0 ? 0 : 299,
        "x-ratelimit-reset": resetAt,
      }),
    );
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    await client.GET("/me");
    await client.GET("/me");
    expect(server.received[1]!.at).toBeGreaterThanOrEqual(resetAt * 1000);
    await client.close();
  });

  it("limits posts per room (10 per 10 s documented; scaled to 2 per second here) without blocking other rooms", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, message));
    const client = createChatworkClient({
      token: TOKEN,
      baseUrl: server.url,
      rateLimit: { classes: { roomPost: { limit: 2, intervalMs: 1000 } } },
    });
    const post = (room: number) =>
      client.POST("/rooms/{room_id}/messages", { params: { path: { room_id: room } }, body: { body: "x" } });
    const started = Date.now();
    await Promise.all([post(1), post(1), post(1), post(2), post(2)]);
    const room1 = server.received.filter((r) => r.url === "/rooms/1/messages").map((r) => r.at - started);
    const room2 = server.received.filter((r) => r.url === "/rooms/2/messages").map((r) => r.at - started);
    expect(room1.sort((a, b) => a - b)[2]).toBeGreaterThanOrEqual(900);
    expect(Math.max(...room2)).toBeLessThan(500);
    await client.close();
  });
});

describe("network failures and time-outs", () => {
  it("throws TimeoutError when the server never answers, and does not retry the POST", async () => {
    server = await startFaultServer(() => undefined);
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url, timeoutMs: 200 });
    const error = await client
      .POST("/rooms/{room_id}/messages", { params: { path: { room_id: 1 } }, body: { body: "x" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.count("POST")).toBe(1);
    expectNoSecret(error);
    await client.close();
  });

  it("throws NetworkError on a connection reset after the request was read, without retrying the POST", async () => {
    server = await startFaultServer((_req, res) => {
      res.socket?.destroy();
    });
    const client = createChatworkClient({ token: TOKEN, baseUrl: server.url });
    const error = await client
      .POST("/rooms/{room_id}/messages", { params: { path: { room_id: 1 } }, body: { body: "x" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(server.count("POST")).toBe(1);
    expectNoSecret(error);
    await client.close();
  });

  it("a caller's AbortSignal cancels a call waiting in the limiter", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, message));
    const client = createChatworkClient({
      token: TOKEN,
      baseUrl: server.url,
      rateLimit: { classes: { roomPost: { limit: 1, intervalMs: 60_000 } } },
    });
    await client.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 1 } }, body: { body: "x" } });
    const controller = new AbortController();
    const pending = client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 1 } },
      body: { body: "y" },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(server.count("POST")).toBe(1);
    await client.close();
  });
});

describe("credentials that cannot be a header", () => {
  it("a token with a line break is refused before sending, and the error does not quote it", async () => {
    server = await startFaultServer((_req, res) => json(res, 200, me));
    const badToken = `${TOKEN}\r\nx-injected: 1`;
    const client = createChatworkClient({ token: badToken, baseUrl: server.url });
    const error = await client.GET("/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BizchatError);
    expect((error as Error).message).toBe(
      'getMe: the "apiToken" credential is not a string of characters allowed in an HTTP header (value not shown)',
    );
    expectNoSecret(error);
    expect(server.received).toHaveLength(0);
  });
});
