// The documented limits of bot messages, menus, rooms and bots are enforced before anything is sent: each invalid
// body is a RequestValidationError and the local server counts no request; the valid body at each limit is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestValidationError } from "../../src/index.js";
import { createLineWorksClient, type LineWorksClient } from "../../src/lineworks/index.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

const BOT = 2000001;
const USER = "userf7da-f82c-4284-13e7-030f3b4c756x";
const URL_ = "https://files.example.co.jp/img/a.png";
const mention = (id: string) => `<m userId="${id}">`;
const postback = (label = "予約") => ({ type: "postback", label, data: "reserve=1", displayText: "予約します" });
const message = (label = "確認") => ({ type: "message", label, text: "確認します" });
const uri = { type: "uri", label: "開く", uri: "https://portal.example.co.jp/" };
const column = (extra: object = {}) => ({ text: "空き: 終日", actions: [postback()], ...extra });

let server: FaultServer;
let client: LineWorksClient;
beforeAll(async () => {
  server = await startFaultServer((_req, res) => json(res, 201, {}));
  client = createLineWorksClient({ auth: { accessToken: "limits-token" }, baseUrl: server.url, retry: false });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

async function sendToUser(content: unknown) {
  return client.POST("/bots/{botId}/users/{userId}/messages", {
    params: { path: { botId: BOT, userId: USER } },
    body: { content } as never,
  });
}

async function refused(send: () => Promise<unknown>, rule?: string) {
  const before = server.received.length;
  const error = await send().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestValidationError);
  if (rule) expect((error as RequestValidationError).issues.map((i) => i.rule)).toContain(rule);
  expect(server.received.length).toBe(before);
}

async function sent(send: () => Promise<{ error?: unknown }>) {
  const before = server.received.length;
  const { error } = await send();
  expect(error).toBeUndefined();
  expect(server.received.length).toBe(before + 1);
}

describe("message content limits (nothing sent when broken, sent at the limit)", () => {
  const cases: [string, unknown, unknown, string?][] = [
    [
      "text: 2,000 characters",
      { type: "text", text: "あ".repeat(2000) },
      { type: "text", text: "あ".repeat(2001) },
      "maxLength",
    ],
    [
      "text: 50 mentions",
      { type: "text", text: Array.from({ length: 50 }, () => mention("u1")).join(" ") },
      { type: "text", text: Array.from({ length: 51 }, () => mention("u1")).join(" ") },
      "not",
    ],
    [
      "text: i18n variants of 2,000",
      { type: "text", text: "会議", i18nTexts: [{ language: "en_US", text: "a".repeat(2000) }] },
      { type: "text", text: "会議", i18nTexts: [{ language: "en_US", text: "a".repeat(2001) }] },
      "maxLength",
    ],
    [
      "text: documented language codes",
      { type: "text", text: "a", i18nTexts: [{ language: "ja_JP", text: "あ" }] },
      { type: "text", text: "a", i18nTexts: [{ language: "ja", text: "あ" }] },
      "enum",
    ],
    [
      "text: only documented properties",
      { type: "text", text: "a" },
      { type: "text", text: "a", colour: "red" },
      "additionalProperties",
    ],
    [
      "content type: one of the 13",
      { type: "sticker", packageId: "1", stickerId: "2" },
      { type: "stamp", packageId: "1" },
    ],
    [
      "image: URLs or fileId, not both",
      { type: "image", fileId: "f-1" },
      { type: "image", fileId: "f-1", previewImageUrl: URL_, originalContentUrl: URL_ },
      "oneOf",
    ],
    [
      "image: preview and original together",
      { type: "image", previewImageUrl: URL_, originalContentUrl: URL_ },
      { type: "image", previewImageUrl: URL_ },
    ],
    [
      "image: HTTPS only",
      { type: "image", previewImageUrl: URL_, originalContentUrl: URL_ },
      { type: "image", previewImageUrl: URL_, originalContentUrl: "http://files.example.co.jp/a.png" },
      "pattern",
    ],
    [
      "file: URL of at most 1,000",
      { type: "file", originalContentUrl: `https://f.example.jp/${"a".repeat(979)}` },
      { type: "file", originalContentUrl: `https://f.example.jp/${"a".repeat(980)}` },
      "maxLength",
    ],
    ["audio: URL or fileId", { type: "audio", fileId: "f-1" }, { type: "audio" }],
    ["video: URLs or fileId", { type: "video", fileId: "f-1" }, { type: "video", originalContentUrl: URL_ }],
    [
      "link: contentText of 1,000",
      { type: "link", contentText: "a".repeat(1000), linkText: "開く", link: "https://e.jp/" },
      { type: "link", contentText: "a".repeat(1001), linkText: "開く", link: "https://e.jp/" },
      "maxLength",
    ],
    [
      "location: title of 100",
      { type: "location", title: "本".repeat(100), address: "東京都", latitude: 35.68, longitude: 139.76 },
      { type: "location", title: "本".repeat(101), address: "東京都", latitude: 35.68, longitude: 139.76 },
      "maxLength",
    ],
    [
      "button template: 10 buttons",
      { type: "button_template", contentText: "選択", actions: Array.from({ length: 10 }, () => uri) },
      { type: "button_template", contentText: "選択", actions: Array.from({ length: 11 }, () => uri) },
      "maxItems",
    ],
    [
      "button template: labels of 20",
      { type: "button_template", contentText: "選択", actions: [message("あ".repeat(20))] },
      { type: "button_template", contentText: "選択", actions: [message("あ".repeat(21))] },
      "maxLength",
    ],
    [
      "button template: no postback action",
      { type: "button_template", contentText: "選択", actions: [uri] },
      { type: "button_template", contentText: "選択", actions: [postback()] },
    ],
    [
      "button template: no camera action",
      { type: "button_template", contentText: "選択", actions: [uri] },
      { type: "button_template", contentText: "選択", actions: [{ type: "camera", label: "撮影" }] },
    ],
    [
      "list template: 4 rows",
      { type: "list_template", elements: Array.from({ length: 4 }, () => ({ title: "行" })) },
      { type: "list_template", elements: Array.from({ length: 5 }, () => ({ title: "行" })) },
      "maxItems",
    ],
    [
      "list template: 2 × 2 bottom buttons",
      {
        type: "list_template",
        elements: [{ title: "行" }],
        actions: [
          [uri, uri],
          [uri, uri],
        ],
      },
      { type: "list_template", elements: [{ title: "行" }], actions: [[uri, uri, uri]] },
      "maxItems",
    ],
    [
      "carousel: 10 columns",
      { type: "carousel", columns: Array.from({ length: 10 }, () => column()) },
      { type: "carousel", columns: Array.from({ length: 11 }, () => column()) },
      "maxItems",
    ],
    [
      "carousel: 3 buttons per column",
      { type: "carousel", columns: [column({ actions: [postback(), postback(), postback()] })] },
      { type: "carousel", columns: [column({ actions: [postback(), postback(), postback(), postback()] })] },
      "maxItems",
    ],
    [
      "carousel: text of 120 without image or title",
      { type: "carousel", columns: [column({ text: "a".repeat(120) })] },
      { type: "carousel", columns: [column({ text: "a".repeat(121) })] },
      "maxLength",
    ],
    [
      "carousel: text of 60 with a title",
      { type: "carousel", columns: [column({ title: "会議室A", text: "a".repeat(60) })] },
      { type: "carousel", columns: [column({ title: "会議室A", text: "a".repeat(61) })] },
      "maxLength",
    ],
    [
      "carousel: title of 40",
      { type: "carousel", columns: [column({ title: "a".repeat(40), text: "空き" })] },
      { type: "carousel", columns: [column({ title: "a".repeat(41), text: "空き" })] },
      "maxLength",
    ],
    [
      "carousel: message actions need text",
      { type: "carousel", columns: [column({ actions: [message()] })] },
      { type: "carousel", columns: [column({ actions: [{ type: "message", label: "確認" }] })] },
      "required",
    ],
    [
      "image carousel: labels of 12",
      { type: "image_carousel", columns: [{ originalContentUrl: URL_, action: postback("あ".repeat(12)) }] },
      { type: "image_carousel", columns: [{ originalContentUrl: URL_, action: postback("あ".repeat(13)) }] },
      "maxLength",
    ],
    [
      "image carousel: image required",
      { type: "image_carousel", columns: [{ fileId: "f-1" }] },
      { type: "image_carousel", columns: [{ action: postback() }] },
    ],
    [
      "flex: altText of 400",
      { type: "flex", altText: "a".repeat(400), contents: { type: "bubble" } },
      { type: "flex", altText: "a".repeat(401), contents: { type: "bubble" } },
      "maxLength",
    ],
    [
      "flex: carousel of 10 bubbles",
      {
        type: "flex",
        altText: "一覧",
        contents: { type: "carousel", contents: Array.from({ length: 10 }, () => ({ type: "bubble" })) },
      },
      {
        type: "flex",
        altText: "一覧",
        contents: { type: "carousel", contents: Array.from({ length: 11 }, () => ({ type: "bubble" })) },
      },
      "maxItems",
    ],
    [
      "quick reply: 13 items",
      { type: "text", text: "a", quickReply: { items: Array.from({ length: 13 }, () => ({ action: postback() })) } },
      { type: "text", text: "a", quickReply: { items: Array.from({ length: 14 }, () => ({ action: postback() })) } },
      "maxItems",
    ],
    [
      "quick reply: postback needs displayText",
      { type: "text", text: "a", quickReply: { items: [{ action: postback() }] } },
      { type: "text", text: "a", quickReply: { items: [{ action: { type: "postback", label: "予約", data: "d" } }] } },
      "required",
    ],
    [
      "quick reply: icon URL or resource, not both",
      {
        type: "text",
        text: "a",
        quickReply: { items: [{ imageUrl: URL_, action: { type: "camera", label: "撮影" } }] },
      },
      {
        type: "text",
        text: "a",
        quickReply: { items: [{ imageUrl: URL_, imageResourceId: "r-1", action: { type: "camera", label: "撮影" } }] },
      },
      "not",
    ],
    [
      "postback data of 300",
      { type: "text", text: "a", quickReply: { items: [{ action: { ...postback(), data: "d".repeat(300) } }] } },
      { type: "text", text: "a", quickReply: { items: [{ action: { ...postback(), data: "d".repeat(301) } }] } },
      "maxLength",
    ],
  ];
  it.each(cases)("%s", async (_name, valid, invalid, rule) => {
    await sent(() => sendToUser(valid));
    await refused(() => sendToUser(invalid), rule);
  });
});

describe("mentioning everyone", () => {
  it("is refused to a user (1:1) and sent to a channel", async () => {
    const content = { type: "text", text: `${mention("all")} 本日18時からエレベーターが停止します。` };
    await refused(() => sendToUser(content), "not");
    await refused(() =>
      sendToUser({ type: "link", contentText: mention("all"), linkText: "詳細", link: "https://e.jp/" }),
    );
    await refused(() =>
      sendToUser({ type: "text", text: "a", i18nTexts: [{ language: "en_US", text: mention("all") }] }),
    );
    await sent(() => sendToUser({ type: "text", text: `${mention(USER)} 資料を共有しました。` }));
    await sent(() =>
      client.POST("/bots/{botId}/channels/{channelId}/messages", {
        params: { path: { botId: BOT, channelId: "12345a12-b12c-12d3-e123fghijkl" } },
        body: { content } as never,
      }),
    );
  });
});

describe("other bot limits", () => {
  it("a room has 1 to 100 distinct members", async () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);
    const create = (body: unknown) =>
      client.POST("/bots/{botId}/channels", { params: { path: { botId: BOT } }, body: body as never });
    await sent(() => create({ members: members(100), title: "全社周知" }));
    await refused(() => create({ members: members(101) }), "maxItems");
    await refused(() => create({ members: ["user-1", "user-1"] }), "uniqueItems");
    await refused(() => create({ members: [] }), "minItems");
  });

  it("a persistent menu has at most 4 message, uri or copy actions", async () => {
    const set = (actions: unknown[]) =>
      client.POST("/bots/{botId}/persistentmenu", {
        params: { path: { botId: BOT } },
        body: { content: { actions } } as never,
      });
    await sent(() => set([uri, uri, uri, { type: "copy", label: "内線", copyText: "1234" }]));
    await refused(() => set([uri, uri, uri, uri, uri]), "maxItems");
    await refused(() => set([postback()]));
  });

  it("a rich menu has 1 to 20 areas and a documented size", async () => {
    const area = { bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: message() };
    const create = (body: unknown) =>
      client.POST("/bots/{botId}/richmenus", { params: { path: { botId: BOT } }, body: body as never });
    await sent(() =>
      create({
        richmenuName: "総務",
        size: { width: 2500, height: 843 },
        areas: Array.from({ length: 20 }, () => area),
      }),
    );
    await refused(
      () =>
        create({
          richmenuName: "総務",
          size: { width: 2500, height: 843 },
          areas: Array.from({ length: 21 }, () => area),
        }),
      "maxItems",
    );
    await refused(() => create({ richmenuName: "総務", size: { width: 2500, height: 900 }, areas: [area] }), "enum");
  });

  it("lists send count (required, as on the Japanese page) of 1 to 100", async () => {
    const list = (query: unknown) => client.GET("/bots", { params: { query: query as never } });
    await sent(() => list({ count: 100 }));
    await refused(() => list({ count: 101 }), "maximum");
    await refused(() => list({}), "required");
  });

  it("a bot has 1 to 3 administrators and an HTTPS callback URL (or none)", async () => {
    const bot = {
      botName: "総務アシスタント",
      photoUrl: "https://e.jp/bot.png",
      description: "総務窓口",
      administrators: [USER],
    };
    const create = (body: unknown) => client.POST("/bots", { body: body as never });
    await sent(() => create({ ...bot, callbackUrl: "" }));
    await refused(() => create({ ...bot, administrators: ["a", "b", "c", "d"] }), "maxItems");
    await refused(() => create({ ...bot, callbackUrl: "http://bot.example.co.jp/cb" }), "pattern");
    await refused(() => create({ ...bot, botName: "a".repeat(101) }), "maxLength");
  });
});
