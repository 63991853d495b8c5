// What every runtime must run: the three verifiers and parsers, a web-standard receiver, and a client call against
// a local server. Bundled by runtimes.test.ts and run on Node, Bun, Deno and workerd; it returns plain JSON.
import { createChatworkClient } from "../../src/chatwork/client.js";
import { chatworkWebhookHandler } from "../../src/chatwork/receiver.js";
import { parseChatworkWebhook, verifyChatworkSignature } from "../../src/chatwork/webhook.js";
import { lineWebhookHandler } from "../../src/line/receiver.js";
import { parseLineWebhook, verifyLineSignature, type LineWebhookEvent } from "../../src/line/webhook.js";
import { lineWorksWebhookHandler } from "../../src/lineworks/receiver.js";
import { parseLineWorksWebhook, verifyLineWorksSignature } from "../../src/lineworks/webhook.js";
import { signWebhook } from "../../src/runtime/webhook-signing.js";

const lineSecret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
const chatworkToken = "c2VjcmV0LXdlYmhvb2stdG9rZW4tZm9yLXRlc3Rz";
const botSecret = "qL7vW2nR8xT4kY1mZ6pB3sD9fH0jC5gA";
const base = { mode: "active", timestamp: 1767225600000, deliveryContext: { isRedelivery: false } };
const lineBatch = JSON.stringify({
  destination: "Ud335ff95a0468833bba7810b8f0b084b",
  events: [
    { ...base, webhookEventId: "01J9ZK3T5Q8W2XH4N6M7R8S9TV", type: "botSuspended" },
    { ...base, webhookEventId: "01J9ZN1A2B3C4D5E6F7G8H9JKM", type: "activated" },
    { ...base, webhookEventId: "01J9ZP5Q6R7S8T9V0W1X2Y3Z4A", type: "membershipRenewed" },
  ],
});
const chatworkBody = JSON.stringify({
  webhook_setting_id: "12345",
  webhook_event_type: "mention_to_me",
  webhook_event_time: 1732345678,
  webhook_event: {
    from_account_id: 1,
    to_account_id: 2,
    room_id: 3,
    message_id: "9223372036854775807",
    body: "[To:2] 確認お願いします",
    send_time: 1732345678,
    update_time: 0,
  },
});
const lineWorksBody = JSON.stringify({
  type: "message",
  source: { userId: "u1", channelId: "c1", domainId: 40029600 },
  issuedTime: "2026-11-30T02:16:05.716Z",
  content: { type: "text", text: "こんにちは" },
});

function request(body: string, headers: Record<string, string>): Request {
  return new Request("http://localhost/webhook", { method: "POST", headers, body });
}

async function receivers() {
  const delivered: string[] = [];
  const line = lineWebhookHandler({
    channelSecret: lineSecret,
    onEvent: (e: LineWebhookEvent) => void delivered.push(`line:${e.type}`),
  });
  const chatwork = chatworkWebhookHandler({
    token: chatworkToken,
    onEvent: (e) => void delivered.push(`chatwork:${e.webhook_event_type ?? e.type}`),
  });
  const lineworks = lineWorksWebhookHandler({ botSecret, onEvent: (e) => void delivered.push(`lineworks:${e.type}`) });
  const statuses = [
    (await line(request(lineBatch, signWebhook("line", lineBatch, lineSecret).headers))).status,
    (await line(request(lineBatch, { "x-line-signature": "AAAA" }))).status,
    (await chatwork(request(chatworkBody, signWebhook("chatwork", chatworkBody, chatworkToken).headers))).status,
    (await lineworks(request(lineWorksBody, signWebhook("lineworks", lineWorksBody, botSecret).headers))).status,
  ];
  return { statuses, delivered };
}

async function clientCall(baseUrl: string) {
  try {
    const client = createChatworkClient({ token: "runtime-test-token", baseUrl, fetch: (r) => fetch(r), retry: false });
    const { data, error } = await client.GET("/me");
    return error ? { error: String(error) } : { accountId: data.account_id };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return {
      error:
        String(error) +
        (cause === undefined ? "" : ` (cause: ${cause instanceof Error ? cause.message : JSON.stringify(cause)})`),
    };
  }
}

export async function scenario(baseUrl: string) {
  const line = signWebhook("line", lineBatch, lineSecret).signature;
  const chatwork = signWebhook("chatwork", chatworkBody, chatworkToken).signature;
  const lineworks = signWebhook("lineworks", lineWorksBody, botSecret).signature;
  return {
    verify: [
      verifyLineSignature(lineBatch, line, lineSecret),
      verifyChatworkSignature(new TextEncoder().encode(chatworkBody), chatwork, chatworkToken),
      verifyLineWorksSignature(lineWorksBody, lineworks, botSecret),
      verifyLineSignature(lineBatch + " ", line, lineSecret),
    ],
    parse: {
      line: parseLineWebhook(lineBatch, { channelSecret: lineSecret, signature: line }).events.map((e) => e.type),
      chatwork: parseChatworkWebhook(chatworkBody, { token: chatworkToken, signature: chatwork }).webhook_event_type,
      lineworks: parseLineWorksWebhook(lineWorksBody, { botSecret, signature: lineworks }).type,
    },
    receivers: await receivers(),
    client: await clientCall(baseUrl),
  };
}
