// The short typed session `npm run demo` runs against each provider's Prism mock. Compiled with the package
// (tsconfig.build.json), so the calls below are type-checked against the generated clients.
import { ApiError, RequestValidationError } from "../src/index.js";
import { createChatworkClient } from "../src/chatwork/index.js";
import { attachedScopes, createLineClient, paginateModules } from "../src/line/index.js";
import {
  createLineWorksClient,
  createLineWorksV1Client,
  paginateContacts,
  parseLineWorksWebhook,
  uploadBotAttachment,
  type LineWorksClient,
} from "../src/lineworks/index.js";
import { mockPrefer, signWebhook } from "../src/testing.js";

type Session = (baseUrl: string, log: (line: string) => void) => Promise<void>;

/** The Bot API part of the LINE WORKS session: a text, a button template, an attachment, a message refused locally. */
async function lineWorksBot(client: LineWorksClient, log: (line: string) => void) {
  const to = { botId: 2000001, userId: "userf7da-f82c-4284-13e7-030f3b4c756x" };
  const text = await client.POST("/bots/{botId}/users/{userId}/messages", {
    params: { path: to },
    body: { content: { type: "text", text: `<m userId="${to.userId}">さん、定例会議の資料を共有しました。` } },
  });
  log(`POST /bots/2000001/users/…/messages (text with a mention) → HTTP ${text.response.status}`);
  const buttons = await client.POST("/bots/{botId}/users/{userId}/messages", {
    params: { path: to },
    body: {
      content: {
        type: "button_template",
        contentText: "経費精算の申請が1件あります。",
        actions: [
          { type: "uri", label: "申請を開く", uri: "https://keihi.example.co.jp/requests/42" },
          { type: "message", label: "承認する", postback: "expense=42&action=approve" },
        ],
      },
    },
  });
  log(`POST …/messages (button template, 2 buttons) → HTTP ${buttons.response.status}`);
  const pdf = new File(["%PDF-1.7 見積"], "見積書.pdf", { type: "application/pdf" });
  const { fileId } = await uploadBotAttachment(client, { botId: to.botId, file: pdf });
  log(`uploadBotAttachment (upload URL, then multipart Filedata) → fileId ${fileId}`);
  try {
    await client.POST("/bots/{botId}/users/{userId}/messages", {
      params: { path: to },
      body: { content: { type: "text", text: "あ".repeat(2001) } },
    });
  } catch (error) {
    if (error instanceof RequestValidationError)
      log(`a 2,001-character text rejected locally, nothing sent (${error.issues[0]?.rule ?? "invalid"})`);
  }
  // The user taps "承認する": LINE WORKS posts a signed postback callback to the bot's URL.
  const botSecret = "demo-bot-secret";
  const callback = JSON.stringify({
    type: "postback",
    source: { userId: to.userId, domainId: 40029600 },
    issuedTime: new Date().toISOString(),
    data: "expense=42&action=approve",
  });
  const { signature } = signWebhook("lineworks", callback, botSecret);
  const event = parseLineWorksWebhook(callback, { botSecret, signature });
  log(`signed callback verified and parsed → ${event.type}${event.type === "postback" ? ` "${event.data}"` : ""}`);
}

export const sessions: Record<string, Session> = {
  async chatwork(baseUrl, log) {
    const client = createChatworkClient({ token: "demo-token", baseUrl });
    const me = await client.GET("/me");
    log(`GET /me → ${me.data?.name} (account ${me.data?.account_id})`);
    const rooms = await client.GET("/rooms");
    log(`GET /rooms → ${rooms.data?.length ?? 0} rooms, first: ${rooms.data?.[0]?.name}`);
    const posted = await client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 322 } },
      body: { body: "[To:456] 資料を共有します", self_unread: 0 },
    });
    log(`POST /rooms/322/messages → message_id ${posted.data?.message_id} (a 64-bit id kept as a string)`);
    try {
      await client.POST("/rooms", { body: { name: "", members_admin_ids: "1,x" } });
    } catch (error) {
      if (error instanceof RequestValidationError)
        log(
          `invalid POST /rooms rejected locally, nothing sent: ${error.issues.map((i) => `${i.field} (${i.rule})`).join(", ")}`,
        );
    }
    const missing = await client.GET("/rooms/{room_id}", {
      params: { path: { room_id: 999 } },
      headers: mockPrefer({ code: 404 }),
    });
    if (missing.error instanceof ApiError)
      log(`GET /rooms/999 → ${missing.error.name} ${missing.error.status}: ${missing.error.messages.join("; ")}`);
    await client.close();
  },
  async line(baseUrl, log) {
    const client = createLineClient({
      channelAccessToken: "demo-channel-token",
      channelId: "1653926534",
      channelSecret: "demo-secret",
      baseUrl,
    });
    const attached = await client.POST("/module/auth/v1/token", {
      body: {
        grant_type: "authorization_code",
        code: "a1b2c3d4e5f6",
        redirect_uri: "https://example.co.jp/line/callback",
      },
    });
    log(
      `POST /module/auth/v1/token (Basic auth, manager.line.biz) → bot ${attached.data?.bot_id}, scopes ${attached.data ? attachedScopes(attached.data).join(", ") : "none"}`,
    );
    const acquired = await client.POST("/v2/bot/chat/{chatId}/control/acquire", {
      params: { path: { chatId: "U2714aa3b2407b75341f3f170fc4151b9" } },
      body: { expired: true, ttl: 3600 },
    });
    log(
      `POST /v2/bot/chat/…/control/acquire → HTTP ${acquired.response.status}, x-line-request-id ${acquired.response.headers.get("x-line-request-id")}`,
    );
    let bots = 0;
    for await (const bot of paginateModules(client, { limit: 100 })) {
      if (bots++ === 0) log(`paginateModules → first bot ${bot.displayName} (${bot.basicId})`);
      if (bots >= 5) break;
    }
    const held = await client.POST("/v2/bot/chat/{chatId}/control/acquire", {
      params: { path: { chatId: "U2714aa3b2407b75341f3f170fc4151b9" } },
      body: { ttl: 60 },
      headers: mockPrefer({ code: 423 }),
    });
    if (held.error)
      log(
        `acquire while another channel holds control → ${held.error.name} ${held.error.status}: ${held.error.messages.join("; ")} (request ${held.error.requestId})`,
      );
    await client.close();
  },
  async lineworks(baseUrl, log) {
    const client = createLineWorksClient({ auth: { accessToken: "demo-access-token" }, baseUrl });
    const created = await client.POST("/contacts", {
      body: {
        contactName: { lastName: "佐藤", firstName: "花子" },
        emails: [{ email: "hanako.sato@example.co.jp", primary: true }],
        permission: { accessibleRange: "ALL" },
      },
    });
    log(`POST /contacts → HTTP ${created.response.status}, contactId ${created.data?.contactId}`);
    let n = 0;
    for await (const contact of paginateContacts(client, { count: 100 })) {
      if (n++ === 0)
        log(`paginateContacts → first ${contact.contactName?.lastName ?? ""} ${contact.contactName?.firstName ?? ""}`);
      if (n >= 3) break;
    }
    const expired = await client.GET("/contacts", { headers: mockPrefer({ code: 403, example: "tokenExpired" }) });
    if (expired.error)
      log(
        `GET /contacts with an expired token → ${expired.error.name} ${expired.error.status} [${expired.error.code}]`,
      );
    await lineWorksBot(client, log);
    await client.close();
  },
  async "lineworks-v1"(baseUrl, log) {
    const client = createLineWorksV1Client({
      apiId: "kr1wwTrYrbIot",
      consumerKey: "demo-consumer-key",
      token: "demo-server-token",
      baseUrl,
    });
    const bot = await client.POST("/message/registerBot/v4", {
      body: {
        name: "勤怠ボット",
        description: "出退勤を記録するボットです",
        photoUrl: "https://example.co.jp/bot.png",
        managerList: ["admin@example.co.jp"],
      },
    });
    log(
      `POST /message/registerBot/v4 (deprecated) → botNo ${bot.data?.botNo}, Deprecation header: ${bot.response.headers.get("deprecation")}`,
    );
    const denied = await client.POST("/message/registerBot/v4", {
      body: {
        name: "勤怠ボット",
        description: "出退勤を記録するボットです",
        photoUrl: "https://example.co.jp/bot.png",
        managerList: ["admin@example.co.jp"],
      },
      headers: mockPrefer({ code: 401 }),
    });
    if (denied.error)
      log(
        `with a bad token → ${denied.error.name} ${denied.error.status}, errorCode ${denied.error.code}: ${denied.error.messages[0]}`,
      );
    await client.close();
  },
};
