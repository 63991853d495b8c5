// Chatwork webhook signatures: vectors computed here with node:crypto from the documented formula
// (HMAC-SHA256 keyed with the base64-decoded token, base64 output), header and query-parameter forms.
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../../src/index.js";
import { parseChatworkWebhook, verifyChatworkSignature } from "../../src/chatwork/index.js";

const token = randomBytes(32).toString("base64");
const sign = (body: string | Buffer, key = token) =>
  createHmac("sha256", Buffer.from(key, "base64")).update(body).digest("base64");

const created = JSON.stringify({
  webhook_setting_id: "12345",
  webhook_event_type: "message_created",
  webhook_event_time: 1732345678,
  webhook_event: {
    message_id: "1928374655918273645",
    room_id: 322,
    account_id: 123,
    body: "[To:456] 明日の会議の件です",
    send_time: 1732345678,
    update_time: 0,
  },
});
const mention = JSON.stringify({
  webhook_setting_id: "12346",
  webhook_event_type: "mention_to_me",
  webhook_event_time: 1732345679,
  webhook_event: {
    from_account_id: 123,
    to_account_id: 456,
    room_id: 322,
    message_id: "9223372036854775807",
    body: "[To:456] 確認お願いします",
    send_time: 1732345679,
    update_time: 0,
  },
});

describe("verifyChatworkSignature", () => {
  it("accepts the header signature over the raw body (string and bytes)", () => {
    expect(verifyChatworkSignature(created, sign(created), token)).toBe(true);
    expect(verifyChatworkSignature(Buffer.from(created), sign(created), token)).toBe(true);
  });

  it("accepts the URL-encoded chatwork_webhook_signature query form", () => {
    expect(verifyChatworkSignature(created, encodeURIComponent(sign(created)), token)).toBe(true);
  });

  it("rejects a tampered body, a wrong token, and the raw token used as key", () => {
    expect(verifyChatworkSignature(created.replace("明日", "今日"), sign(created), token)).toBe(false);
    expect(verifyChatworkSignature(created, sign(created, randomBytes(32).toString("base64")), token)).toBe(false);
    const rawKeySig = createHmac("sha256", token).update(created).digest("base64");
    expect(verifyChatworkSignature(created, rawKeySig, token)).toBe(false);
  });

  it("never throws on garbage", () => {
    for (const [body, sig, key] of [
      [created, undefined, token],
      [created, 42, token],
      [created, "%E0%A4%A", token],
      [created, "not base64 !!", token],
      [created, sign(created), ""],
      [new Uint8Array([0xff, 0xfe]), "", token],
    ] as const) {
      expect(() => verifyChatworkSignature(body, sig, key)).not.toThrow();
      expect(verifyChatworkSignature(body, sig, key)).toBe(false);
    }
  });
});

describe("parseChatworkWebhook", () => {
  it("returns the typed event union, narrowing on webhook_event_type, with 64-bit ids exact", () => {
    const event = parseChatworkWebhook(mention, { token, signature: sign(mention) });
    expect(event.webhook_event_type).toBe("mention_to_me");
    if (event.webhook_event_type === "mention_to_me") {
      expect(event.webhook_event.to_account_id).toBe(456);
      expect(event.webhook_event.message_id).toBe("9223372036854775807");
    }
    expect(parseChatworkWebhook(created, { token, signature: sign(created) }).webhook_event_type).toBe(
      "message_created",
    );
  });

  it("throws WebhookVerificationError only for a bad signature or non-JSON; a payload that breaks the schema is delivered as invalid", () => {
    expect(() => parseChatworkWebhook(created, { token, signature: "AAAA" })).toThrowError(WebhookVerificationError);
    const notJson = "not json";
    expect(() => parseChatworkWebhook(notJson, { token, signature: sign(notJson) })).toThrowError(/not valid JSON/);
    const wrong = JSON.stringify({ ...JSON.parse(created), webhook_event: { message_id: 5 } });
    const event = parseChatworkWebhook(wrong, { token, signature: sign(wrong) });
    expect(event.type).toBe("invalid");
    if (event.type === "invalid") {
      expect(event.originalType).toBe("message_created");
      expect(event.event).toEqual(JSON.parse(wrong));
      expect(event.issues.map((i) => i.field)).toContain("body.webhook_event.message_id");
    }
    try {
      parseChatworkWebhook(wrong, { token, signature: sign(wrong), validate: "strict" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect((error as WebhookVerificationError).reason).toBe("schema");
      expect((error as WebhookVerificationError).issues.length).toBeGreaterThan(0);
    }
  });

  it("delivers an event type it does not know as unknown, with the payload as received", () => {
    const future = JSON.stringify({ ...JSON.parse(created), webhook_event_type: "room_created" });
    const event = parseChatworkWebhook(future, { token, signature: sign(future) });
    expect(event).toEqual({ type: "unknown", originalType: "room_created", event: JSON.parse(future) as unknown });
  });
});
