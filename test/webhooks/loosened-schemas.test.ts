// Incoming data is checked no more strictly than the providers' own schemas: what LINE's webhook.yml/module.yml,
// Chatwork's RAML and the LINE WORKS pages allow passes the generated response and webhook validators, while the
// rules we add still hold on what we send.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { operationValidators as chatwork } from "../../generated/chatwork.validators.js";
import { operationValidators as line } from "../../generated/line.validators.js";
import { operationValidators as lineworks } from "../../generated/lineworks.validators.js";
import { parseLineWebhook } from "../../src/line/index.js";
import type { Validator } from "../../src/runtime/validate.js";

const check = (validator: unknown, data: unknown) => (validator as Validator)(data);

describe("responses", () => {
  it("Chatwork: a contact with only some fields and a relative avatar URL is accepted; a request still needs digits", () => {
    expect(check(chatwork.getContacts.responses["200"], [{ account_id: 1, avatar_image_url: "/avatar/1.png" }])).toBe(
      true,
    );
    const message = { message_id: "abc", account: { account_id: 1, name: "a", avatar_image_url: "x" }, body: "" };
    expect(check(chatwork.getMessage.responses["200"], { ...message, send_time: 1, update_time: 0 })).toBe(true);
    expect(check(chatwork.getMessage.params, { path: { room_id: 1, message_id: "abc" } })).toBe(false);
  });

  it("LINE: a module bot whose pictureUrl is not an https URI is accepted", () => {
    const bot = { userId: "U1", basicId: "@1", displayName: "shop", pictureUrl: "http://example.com/p" };
    expect(check(line.getModules.responses["200"], { bots: [bot] })).toBe(true);
  });

  it("LINE WORKS: a contact whose telephone type and permission are outside the unconfirmed rules is accepted", () => {
    const contact = {
      contactId: "c1",
      contactName: { lastName: "山田" },
      permission: { accessibleRange: "MEMBER", accessibleMembers: [{ id: "g1", type: "TEAM" }] },
      telephones: [{ type: "PAGER", primary: true }],
      emails: [{ primary: true }],
    };
    const getContact = lineworks.getContact.responses["200"];
    const ok = check(getContact, contact);
    expect((getContact as Validator).errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe("LINE webhook events", () => {
  const secret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
  const base = { mode: "active", timestamp: 1, deliveryContext: { isRedelivery: false } };
  const parse = (...events: unknown[]) => {
    const body = JSON.stringify({ destination: "Ud335ff95a0468833bba7810b8f0b084b", events });
    const signature = createHmac("sha256", secret).update(body).digest("base64");
    return parseLineWebhook(body, { channelSecret: secret, signature }).events;
  };

  it("a webhookEventId that is not a ULID is a valid event", () => {
    expect(parse({ ...base, type: "botSuspended", webhookEventId: "evt-1" })[0]?.type).toBe("botSuspended");
  });

  it("an unlisted module kind or source type is delivered as unknown, not refused", () => {
    const events = parse(
      { ...base, webhookEventId: "a", type: "module", module: { type: "upgraded", botId: "U1" } },
      { ...base, webhookEventId: "b", type: "deactivated", source: { type: "channel", channelId: "x" } },
    );
    expect(events.map((e) => [e.type, e.type === "unknown" ? e.originalType : ""])).toEqual([
      ["unknown", "module"],
      ["unknown", "deactivated"],
    ]);
  });
});
