// LINE's corporate options as LINE documents them, against local node:http servers: the four operations LINE
// declares without content accept a real empty 200 under strict response validation (with and without
// Content-Length: 0), and only the operations whose pages state "2,000 requests per second" wait on that class.
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ResponseValidationError } from "../../src/index.js";
import { createLineClient } from "../../src/line/index.js";
import { operationTable } from "../../generated/line.operations.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const chat = { path: { chatId: "U2714aa3b2407b75341f3f170fc4151b9" } };
type Client = ReturnType<typeof createLineClient>;
const calls = {
  missionStickerV3: (c: Client, signal?: AbortSignal) =>
    c.POST("/shop/v3/mission", {
      body: {
        to: "U2714aa3b2407b75341f3f170fc4151b9",
        productId: "28712",
        productType: "STICKER",
        sendPresentMessage: false,
      },
      signal,
    }),
  detachModule: (c: Client, signal?: AbortSignal) =>
    c.POST("/v2/bot/channel/detach", { body: { botId: "U6fe1bab7b1f4f7ccf16614560dceafdc" }, signal }),
  acquireChatControl: (c: Client, signal?: AbortSignal) =>
    c.POST("/v2/bot/chat/{chatId}/control/acquire", { params: chat, body: { ttl: 60 }, signal }),
  releaseChatControl: (c: Client, signal?: AbortSignal) =>
    c.POST("/v2/bot/chat/{chatId}/control/release", { params: chat, signal }),
  markMessagesAsRead: (c: Client, signal?: AbortSignal) =>
    c.POST("/v2/bot/message/markAsRead", { body: { chat: { userId: "U2714aa3b2407b75341f3f170fc4151b9" } }, signal }),
  getModules: (c: Client, signal?: AbortSignal) => c.GET("/v2/bot/list", { signal }),
  attachModule: (c: Client, signal?: AbortSignal) =>
    c.POST("/module/auth/v1/token", {
      body: { grant_type: "authorization_code", code: "c0de", redirect_uri: "https://example.co.jp/cb" },
      signal,
    }),
} as const;

const answers: Record<string, (res: ServerResponse) => void> = {
  "an empty body with Content-Length: 0": (res) => res.writeHead(200, { "Content-Length": "0" }).end(),
  // Headers flushed before the end: Node sends the body chunked, with no Content-Length at all.
  "an empty body without Content-Length": (res) => {
    res.writeHead(200, { "x-line-request-id": "r" }).flushHeaders();
    res.end();
  },
  "the {} LINE has been seen to send": (res) =>
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "2" }).end("{}"),
};

describe("empty 200s under validate.response: strict", () => {
  const noContent = ["missionStickerV3", "detachModule", "acquireChatControl", "releaseChatControl"] as const;
  for (const [what, answer] of Object.entries(answers)) {
    it.each(noContent)(`%s accepts ${what}`, async (id) => {
      server = await startFaultServer((_req, res) => answer(res));
      const client = createLineClient({
        channelAccessToken: "t",
        baseUrl: server.url,
        retry: false,
        validate: { response: "strict" },
      });
      const { data, error, response } = await calls[id](client);
      await client.close();
      expect(error).toBeUndefined();
      expect(response.status).toBe(200);
      expect(response.headers.get("content-length")).toBe(
        what.includes("{}") ? "2" : what.includes("without") ? null : "0",
      );
      expect(data).toEqual(what.includes("{}") ? {} : undefined);
      expect(server.count("POST")).toBe(1);
    });
  }

  it("still rejects an empty body where LINE documents a JSON object (markAsRead answers {})", async () => {
    server = await startFaultServer((_req, res) => answers["an empty body with Content-Length: 0"]!(res));
    const client = createLineClient({
      channelAccessToken: "t",
      baseUrl: server.url,
      retry: false,
      validate: { response: "strict" },
    });
    await expect(calls.markMessagesAsRead(client)).rejects.toBeInstanceOf(ResponseValidationError);
    await client.close();
  });
});

describe("rate-limit classes only where LINE states one", () => {
  const documented = ["markMessagesAsRead", "detachModule", "acquireChatControl", "releaseChatControl", "getModules"];
  const unstated = ["missionStickerV3", "attachModule"];

  it("the operation table gives the 2,000 req/s class to the five documented operations and none to the others", () => {
    const rows = operationTable.operations;
    for (const id of documented) expect([id, rows[id as keyof typeof rows].rateLimit]).toEqual([id, ["default"]]);
    for (const id of unstated) expect([id, rows[id as keyof typeof rows].rateLimit]).toEqual([id, []]);
    expect(operationTable.rateLimits.default).toMatchObject({ limit: 2000, intervalMs: 1000 });
  });

  // With the class squeezed to 1 call per minute, a documented operation's second call waits (and is aborted
  // unsent) while mission stickers and attach go out every time.
  it.each([...documented, ...unstated])("%s: a second call within the window", async (id) => {
    server = await startFaultServer((req, res) =>
      req.url.startsWith("/v2/bot/list")
        ? json(res, 200, { bots: [] })
        : req.url.startsWith("/module")
          ? json(res, 200, { bot_id: "U1", scopes: [] })
          : json(res, 200, {}),
    );
    const client = createLineClient({
      channelAccessToken: "t",
      channelId: "1653926534",
      channelSecret: "s",
      baseUrl: server.url,
      retry: false,
      rateLimit: { classes: { default: { limit: 1, intervalMs: 60_000 } } },
    });
    const call = calls[id as keyof typeof calls];
    await call(client);
    const second = await call(client, AbortSignal.timeout(300)).then(
      () => "sent",
      () => "held",
    );
    await client.close();
    expect(second).toBe(documented.includes(id) ? "held" : "sent");
    expect(server.received).toHaveLength(documented.includes(id) ? 1 : 2);
  });
});
