// LINE webhook signatures and parsing: vectors computed here (HMAC-SHA256 keyed with the channel secret, base64),
// all six module-channel events, tampering, wrong secret, and unknown future event types passed through.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../../src/index.js";
import { parseLineWebhook, verifyLineSignature, type LineWebhookEvent } from "../../src/line/index.js";

const secret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
const sign = (body: string, key = secret) => createHmac("sha256", key).update(body).digest("base64");
const common = {
  mode: "active",
  timestamp: 1767225600000,
  webhookEventId: "01J9ZK3T5Q8W2XH4N6M7R8S9TV",
  deliveryContext: { isRedelivery: false },
};
const envelope = (...events: unknown[]) => JSON.stringify({ destination: "Ud335ff95a0468833bba7810b8f0b084b", events });

const events = {
  attached: {
    ...common,
    type: "module",
    module: {
      type: "attached",
      botId: "U6fe1bab7b1f4f7ccf16614560dceafdc",
      scopes: ["message:send", "message:receive"],
    },
  },
  detached: {
    ...common,
    type: "module",
    module: { type: "detached", botId: "U6fe1bab7b1f4f7ccf16614560dceafdc", reason: "bot_deleted" },
  },
  activated: {
    ...common,
    type: "activated",
    source: { type: "user", userId: "U2714aa3b2407b75341f3f170fc4151b9" },
    chatControl: { expireAt: 1767232800000 },
  },
  deactivated: {
    ...common,
    type: "deactivated",
    source: { type: "group", groupId: "Caa83a1d5e7b0c7c98e4668cf7e807fd3" },
  },
  botSuspended: { ...common, type: "botSuspended" },
  botResumed: { ...common, type: "botResumed", deliveryContext: { isRedelivery: true } },
};

function describeEvent(event: LineWebhookEvent): string {
  switch (event.type) {
    case "module":
      return event.module.type === "attached"
        ? `attached ${event.module.scopes.join(" ")}`
        : `detached ${event.module.reason}`;
    case "activated":
      return `activated until ${event.chatControl.expireAt}`;
    case "unknown":
      return `unknown ${event.originalType}`;
    case "invalid":
      return `invalid ${event.originalType}`;
    case "deactivated":
    case "botSuspended":
    case "botResumed":
      return event.type;
  }
}

describe("parseLineWebhook", () => {
  it.each(Object.entries(events))("parses a signed %s event and narrows it", (name, event) => {
    const body = envelope(event);
    const payload = parseLineWebhook(body, { channelSecret: secret, signature: sign(body) });
    expect(payload.events).toHaveLength(1);
    const text = describeEvent(payload.events[0]!);
    if (name === "attached") expect(text).toBe("attached message:send message:receive");
    else if (name === "detached") expect(text).toBe("detached bot_deleted");
    else if (name === "activated") expect(text).toBe("activated until 1767232800000");
    else expect(text).toBe(name);
  });

  it("passes an unknown future event type through instead of rejecting the delivery", () => {
    const body = envelope(events.botResumed, { ...common, type: "membershipUpgraded", extra: 1 });
    const payload = parseLineWebhook(body, { channelSecret: secret, signature: sign(body) });
    expect(payload.events.map(describeEvent)).toEqual(["botResumed", "unknown membershipUpgraded"]);
  });

  it("delivers every event of a batch whose 2nd event breaks the spec: the others typed, that one as invalid", () => {
    const { chatControl: _dropped, ...activatedWithoutChatControl } = events.activated;
    const body = envelope(events.botSuspended, activatedWithoutChatControl, events.attached);
    const payload = parseLineWebhook(body, { channelSecret: secret, signature: sign(body) });
    expect(payload.events.map((e) => e.type)).toEqual(["botSuspended", "invalid", "module"]);
    const invalid = payload.events[1]!;
    if (invalid.type !== "invalid") throw new Error("expected the invalid variant");
    expect(invalid.originalType).toBe("activated");
    expect(invalid.event).toEqual(activatedWithoutChatControl);
    expect(invalid.issues.map((i) => i.field)).toContain("body.events.1.chatControl");
    expect(invalid.issues.every((i) => i.pointer.startsWith("/events/1"))).toBe(true);
  });

  it('validate: "strict" refuses the batch, naming the event index', () => {
    const body = envelope(events.botSuspended, {
      ...events.detached,
      module: { type: "detached", botId: "U1", reason: "other" },
    });
    try {
      parseLineWebhook(body, { channelSecret: secret, signature: sign(body), validate: "strict" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect((error as WebhookVerificationError).reason).toBe("schema");
      expect((error as WebhookVerificationError).issues.some((i) => i.field.startsWith("body.events.1"))).toBe(true);
    }
  });

  it("rejects tampering and a wrong secret", () => {
    const body = envelope(events.activated);
    expect(() =>
      parseLineWebhook(body.replace("1767232800000", "1867232800000"), {
        channelSecret: secret,
        signature: sign(body),
      }),
    ).toThrowError(WebhookVerificationError);
    expect(() => parseLineWebhook(body, { channelSecret: "another-secret", signature: sign(body) })).toThrowError(
      /signature/,
    );
  });
});

describe("verifyLineSignature", () => {
  it("accepts the signature over raw bytes and returns false, never throwing, on garbage", () => {
    const body = envelope(events.attached);
    expect(verifyLineSignature(Buffer.from(body), sign(body), secret)).toBe(true);
    for (const sig of [undefined, null, 7, "", "!!!", sign(body).slice(1), sign(body) + "A"]) {
      expect(() => verifyLineSignature(body, sig, secret)).not.toThrow();
      expect(verifyLineSignature(body, sig, secret)).toBe(false);
    }
    expect(verifyLineSignature(body, sign(body), "")).toBe(false);
  });
});
