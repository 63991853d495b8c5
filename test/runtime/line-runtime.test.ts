// LINE client behaviour against local node:http servers: auth per operation and server, pagination across
// pages, the request id on success and error, the 2,000 req/s preset not limiting below the API's limit.
import { afterEach, expect, it } from "vitest";
import { RequestValidationError } from "../../src/index.js";
import { createLineClient, paginateModules } from "../../src/line/index.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

const TOKEN = "line-channel-access-token-secret";
let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const bot = (n: number) => ({
  userId: `U${String(n).padStart(32, "0")}`,
  basicId: `@${100 + n}abcde`,
  displayName: `店舗${n}`,
});

it("paginates across three pages, following next until it is absent", async () => {
  const pages: Record<string, { bots: unknown[]; next?: string }> = {
    "": { bots: [bot(1), bot(2)], next: "page2" },
    page2: { bots: [bot(3), bot(4)], next: "page 3/+" },
    "page 3/+": { bots: [bot(5)] },
  };
  server = await startFaultServer((req, res) => {
    const start = new URL(req.url, "http://x").searchParams.get("start") ?? "";
    json(res, 200, pages[start], { "x-line-request-id": `req-${start || "first"}` });
  });
  const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: server.url });
  const ids: string[] = [];
  for await (const b of paginateModules(client, { limit: 2 })) ids.push(b.userId);
  expect(ids).toEqual([1, 2, 3, 4, 5].map((n) => bot(n).userId));
  expect(server.received.map((r) => new URL(r.url, "http://x").searchParams.get("start"))).toEqual([
    null,
    "page2",
    "page 3/+",
  ]);
  expect(server.received.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  await client.close();
});

it("pagination throws the typed error of a failing page", async () => {
  server = await startFaultServer((req, res) =>
    req.url.includes("start=")
      ? json(res, 400, { message: "Invalid start" }, { "x-line-request-id": "bad-page" })
      : json(res, 200, { bots: [bot(1)], next: "zzz" }),
  );
  const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: server.url });
  const seen: string[] = [];
  await expect(
    (async () => {
      for await (const b of paginateModules(client)) seen.push(b.userId);
    })(),
  ).rejects.toMatchObject({ status: 400, requestId: "bad-page", messages: ["Invalid start"] });
  expect(seen).toHaveLength(1);
  await client.close();
});

it("sends attach as form-urlencoded with HTTP Basic channelId:channelSecret, and Bearer elsewhere", async () => {
  server = await startFaultServer((req, res) =>
    req.url.startsWith("/module/")
      ? json(res, 200, { bot_id: "U6fe1bab7b1f4f7ccf16614560dceafdc", scopes: ["message:send"] })
      : json(res, 200, {}, { "x-line-request-id": "r1" }),
  );
  const client = createLineClient({
    channelAccessToken: TOKEN,
    channelId: "1653926534",
    channelSecret: "s3cr3t",
    baseUrl: server.url,
  });
  await client.POST("/module/auth/v1/token", {
    body: { grant_type: "authorization_code", code: "abc", redirect_uri: "https://example.co.jp/cb" },
  });
  const attach = server.received[0]!;
  expect(attach.headers.authorization).toBe(`Basic ${Buffer.from("1653926534:s3cr3t").toString("base64")}`);
  expect(attach.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  expect(new URLSearchParams(attach.body).get("redirect_uri")).toBe("https://example.co.jp/cb");
  const released = await client.POST("/v2/bot/chat/{chatId}/control/release", {
    params: { path: { chatId: "U2714aa3b2407b75341f3f170fc4151b9" } },
  });
  expect(released.response.headers.get("x-line-request-id")).toBe("r1");
  expect(server.received[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  await client.close();
});

it("rejects ttl above 31,536,000 s and a half-given client_id/client_secret pair before sending", async () => {
  server = await startFaultServer((_req, res) => json(res, 200, {}));
  const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: server.url });
  await expect(
    client.POST("/v2/bot/chat/{chatId}/control/acquire", {
      params: { path: { chatId: "U2714aa3b2407b75341f3f170fc4151b9" } },
      body: { ttl: 31_536_001 },
    }),
  ).rejects.toBeInstanceOf(RequestValidationError);
  await expect(
    client.POST("/module/auth/v1/token", {
      body: { grant_type: "authorization_code", code: "c", redirect_uri: "https://example.co.jp/cb", client_id: "1" },
    }),
  ).rejects.toBeInstanceOf(RequestValidationError);
  expect(server.received).toHaveLength(0);
  await client.close();
});

it("'.', '..' and '/' smuggled into a path parameter cannot change the route", async () => {
  server = await startFaultServer((_req, res) => json(res, 200, {}));
  const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: server.url, validate: { request: false } });
  for (const chatId of ["..", ".", "%2e%2E"]) {
    await expect(
      client.POST("/v2/bot/chat/{chatId}/control/release", { params: { path: { chatId } } }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: "path.chatId", rule: "dotSegment" })],
    });
  }
  await client.POST("/v2/bot/chat/{chatId}/control/release", { params: { path: { chatId: "a/../../x?y#z" } } });
  expect(server.received.map((r) => r.url)).toEqual(["/v2/bot/chat/a%2F..%2F..%2Fx%3Fy%23z/control/release"]);
  await client.close();
});

it("keeps the request id of a 500 and never retries the non-idempotent mission sticker", async () => {
  server = await startFaultServer((_req, res) =>
    json(res, 500, { message: "An error occurred" }, { "x-line-request-id": "req-500" }),
  );
  const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: server.url });
  const { error } = await client.POST("/shop/v3/mission", {
    body: {
      to: "U2714aa3b2407b75341f3f170fc4151b9",
      productId: "1",
      productType: "STICKER",
      sendPresentMessage: false,
    },
  });
  expect(error?.status).toBe(500);
  expect(error?.requestId).toBe("req-500");
  expect(server.count("POST")).toBe(1);
  await client.close();
});
