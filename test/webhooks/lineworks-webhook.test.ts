// LINE WORKS bot callbacks: X-WORKS-Signature (HMAC-SHA256 keyed with the bot secret, base64) computed here, the
// seven documented events typed and narrowed, the optional X-WORKS-BotId check, unknown and invalid callbacks.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../../src/index.js";
import {
  parseLineWorksWebhook,
  verifyLineWorksSignature,
  type LineWorksCallbackEvent,
} from "../../src/lineworks/index.js";

const botSecret = "qL7vW2nR8xT4kY1mZ6pB3sD9fH0jC5gA";
const sign = (body: string) => createHmac("sha256", botSecret).update(body).digest("base64");
const source = { userId: "c72af563-0f21-4736-11e4-045237113344", channelId: "a8d4c1e2", domainId: 40029600 };
const issuedTime = "2026-11-30T02:16:05.716Z";
const callbacks = {
  message: { type: "message", source, issuedTime, content: { type: "text", text: "見積書をください" } },
  sticker: { type: "message", source, issuedTime, content: { type: "sticker", packageId: "1", stickerId: "2" } },
  postback: { type: "postback", source, issuedTime, data: "action=approve" },
  join: { type: "join", source: { channelId: "a8d4c1e2", domainId: 40029600 }, issuedTime },
  leave: { type: "leave", source: { channelId: "a8d4c1e2", domainId: "40029600" }, issuedTime },
  joined: { type: "joined", source: { channelId: "a8d4c1e2", domainId: 40029600 }, issuedTime, members: ["u1"] },
  left: { type: "left", source: { channelId: "a8d4c1e2", domainId: 40029600 }, issuedTime, members: ["u1"] },
  begin: { type: "begin", source, issuedTime },
};

function describeEvent(event: LineWorksCallbackEvent): string {
  switch (event.type) {
    case "message":
      return event.content.type === "text" ? `text ${event.content.text}` : event.content.type;
    case "postback":
      return `postback ${event.data}`;
    case "joined":
    case "left":
      return `${event.type} ${event.members.join(",")} in ${event.source.channelId}`;
    case "unknown":
      return `unknown ${event.originalType}`;
    case "invalid":
      return `invalid ${event.originalType}: ${event.issues.map((i) => i.field).join(",")}`;
    case "begin":
    case "join":
    case "leave":
      return event.type;
  }
}

describe("parseLineWorksWebhook", () => {
  it.each(Object.entries(callbacks))("types and narrows a signed %s callback", (name, callback) => {
    const body = JSON.stringify(callback);
    const event = parseLineWorksWebhook(body, { botSecret, signature: sign(body) });
    expect(event).toEqual(callback);
    const expected: Record<string, string> = {
      message: "text 見積書をください",
      sticker: "sticker",
      postback: "postback action=approve",
      joined: "joined u1 in a8d4c1e2",
      left: "left u1 in a8d4c1e2",
    };
    expect(describeEvent(event)).toBe(expected[name] ?? name);
  });

  it("checks X-WORKS-BotId when a bot ID is given", () => {
    const body = JSON.stringify(callbacks.begin);
    const signature = sign(body);
    expect(parseLineWorksWebhook(body, { botSecret, signature, botId: "2000001", receivedBotId: "2000001" })).toEqual(
      callbacks.begin,
    );
    for (const receivedBotId of ["2000002", undefined, null]) {
      expect(() => parseLineWorksWebhook(body, { botSecret, signature, botId: "2000001", receivedBotId })).toThrow(
        WebhookVerificationError,
      );
    }
  });

  it("delivers an unknown type as unknown and a callback that breaks the spec as invalid; strict throws", () => {
    const end = JSON.stringify({ type: "end", source, issuedTime });
    expect(parseLineWorksWebhook(end, { botSecret, signature: sign(end) })).toEqual({
      type: "unknown",
      originalType: "end",
      event: JSON.parse(end) as unknown,
    });
    const broken = JSON.stringify({ type: "joined", source: { channelId: "a8d4c1e2", domainId: 1 }, issuedTime });
    const event = parseLineWorksWebhook(broken, { botSecret, signature: sign(broken) });
    expect(describeEvent(event)).toBe("invalid joined: body.members");
    expect(() => parseLineWorksWebhook(broken, { botSecret, signature: sign(broken), validate: "strict" })).toThrow(
      /does not match the spec/,
    );
  });

  it("refuses a bad signature and a body that is not JSON", () => {
    const body = JSON.stringify(callbacks.message);
    expect(() => parseLineWorksWebhook(body, { botSecret, signature: sign(body + " ") })).toThrow(
      WebhookVerificationError,
    );
    expect(() => parseLineWorksWebhook("{", { botSecret, signature: sign("{") })).toThrow(/not valid JSON/);
    expect(verifyLineWorksSignature(new TextEncoder().encode(body), sign(body), botSecret)).toBe(true);
  });
});
