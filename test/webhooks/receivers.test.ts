// Receivers end to end: real node:http servers running the Node handlers (as Express would, with and without a raw
// body parser in front), the web-standard handlers fed real Requests, real fetch calls, signed with signWebhook.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookCallbackError, WebhookConfigurationError } from "../../src/index.js";
import {
  chatworkWebhookHandler,
  chatworkWebhookMiddleware,
  type ChatworkWebhookEvent,
} from "../../src/chatwork/index.js";
import { lineWebhookHandler, lineWebhookMiddleware, type LineWebhookEvent } from "../../src/line/index.js";
import { lineWorksWebhookMiddleware, type LineWorksCallbackEvent } from "../../src/lineworks/index.js";
import { signWebhook } from "../../src/testing.js";
import type { NodeRequestHandler } from "../../src/runtime/webhook-receiver.js";
import { chatworkMessageCreated } from "./fixtures.js";

const lineSecret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
const chatworkToken = "c2VjcmV0LXdlYmhvb2stdG9rZW4tZm9yLXRlc3Rz";
const botSecret = "qL7vW2nR8xT4kY1mZ6pB3sD9fH0jC5gA";
const base = { mode: "active", timestamp: 1767225600000, deliveryContext: { isRedelivery: false } };
const valid = { ...base, webhookEventId: "01J9ZK3T5Q8W2XH4N6M7R8S9TV", type: "botSuspended" };
const malformed = { ...base, webhookEventId: "01J9ZN1A2B3C4D5E6F7G8H9JKM", type: "activated" }; // no chatControl
const unknown = { ...base, webhookEventId: "01J9ZP5Q6R7S8T9V0W1X2Y3Z4A", type: "membershipRenewed" };
const lineBody = (...events: unknown[]) => JSON.stringify({ destination: "Ud335ff95a0468833bba7810b8f0b084b", events });
const chatworkBody = JSON.stringify(chatworkMessageCreated);

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

type Front = "stream" | "raw" | "json";
/** A node:http server with the handler behind nothing, behind a raw body parser, or behind a JSON body parser. */
async function serve(handler: NodeRequestHandler, front: Front = "stream"): Promise<string> {
  const server = createServer((req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    if (front === "stream") return handler(req, res);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      req.body = front === "raw" ? raw : (JSON.parse(raw.toString("utf8")) as unknown);
      handler(req, res);
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

/** Collects events until `count` arrived (the receivers answer before running the callbacks). */
function collector<E>(count: number) {
  const events: E[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  return {
    events,
    all,
    onEvent: (event: E) => {
      events.push(event);
      if (events.length >= count) done();
    },
  };
}

describe("LINE receiver", () => {
  it.each(["stream", "raw"] as const)(
    "a batch of valid, malformed and unknown events: all three delivered (%s body)",
    async (front) => {
      const got = collector<LineWebhookEvent>(3);
      const url = await serve(lineWebhookMiddleware({ channelSecret: lineSecret, onEvent: got.onEvent }), front);
      const body = lineBody(valid, malformed, unknown);
      const res = await fetch(url, {
        method: "POST",
        headers: { "x-line-signature": signWebhook("line", body, lineSecret).signature },
        body,
      });
      expect(res.status).toBe(200);
      await got.all;
      expect(got.events.map((e) => e.type)).toEqual(["botSuspended", "invalid", "unknown"]);
    },
  );

  it("answers 401 to a bad signature, 400 to a signed non-JSON body, and delivers nothing", async () => {
    const got = collector<LineWebhookEvent>(1);
    const url = await serve(lineWebhookMiddleware({ channelSecret: lineSecret, onEvent: got.onEvent }));
    const body = lineBody(valid);
    const bad = await fetch(url, { method: "POST", headers: { "x-line-signature": "AAAA" }, body });
    expect(bad.status).toBe(401);
    const notJson = "{not json";
    const res = await fetch(url, {
      method: "POST",
      headers: { "x-line-signature": signWebhook("line", notJson, lineSecret).signature },
      body: notJson,
    });
    expect(res.status).toBe(400);
    expect(got.events).toEqual([]);
  });

  it("a callback failure is reported with its event, and the events after it are still delivered", async () => {
    const seen: string[] = [];
    let reported!: (e: Error) => void;
    const error = new Promise<Error>((resolve) => (reported = resolve));
    const handler = lineWebhookHandler({
      channelSecret: lineSecret,
      onEvent: (event) => {
        seen.push(event.type);
        if (event.type === "botSuspended") throw new Error("database down");
      },
      onError: reported,
    });
    const body = lineBody(valid, malformed, unknown);
    const res = await handler(
      new Request("http://localhost/webhook", {
        method: "POST",
        headers: { "x-line-signature": signWebhook("line", body, lineSecret).signature },
        body,
      }),
    );
    expect(res.status).toBe(200);
    expect(seen).toEqual(["botSuspended", "invalid", "unknown"]);
    const failure = await error;
    expect(failure).toBeInstanceOf(WebhookCallbackError);
    expect((failure as WebhookCallbackError).delivered).toBe(2);
    expect((failure as WebhookCallbackError).failures.map((f) => (f.event as { type: string }).type)).toEqual([
      "botSuspended",
    ]);
  });

  it("a body already parsed by a JSON parser is a configuration error (500), not a bad signature", async () => {
    let reported!: (e: Error) => void;
    const error = new Promise<Error>((resolve) => (reported = resolve));
    const url = await serve(
      lineWebhookMiddleware({ channelSecret: lineSecret, onEvent: () => undefined, onError: reported }),
      "json",
    );
    const body = lineBody(valid);
    const res = await fetch(url, {
      method: "POST",
      headers: { "x-line-signature": signWebhook("line", body, lineSecret).signature },
      body,
    });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(lineSecret);
    const failure = await error;
    expect(failure).toBeInstanceOf(WebhookConfigurationError);
    expect(failure.message).toContain("express.raw({ type: '*/*' })");
  });
});

describe("Chatwork receiver", () => {
  it("delivers a signed event (header or query signature) and answers 200 with at most 2,048 bytes", async () => {
    const got = collector<ChatworkWebhookEvent>(2);
    const url = await serve(
      chatworkWebhookMiddleware({ token: chatworkToken, onEvent: got.onEvent, deduplicate: false }),
    );
    const { signature } = signWebhook("chatwork", chatworkBody, chatworkToken);
    const byHeader = await fetch(url, {
      method: "POST",
      headers: { "x-chatworkwebhooksignature": signature },
      body: chatworkBody,
    });
    expect(byHeader.status).toBe(200);
    expect(new Uint8Array(await byHeader.arrayBuffer()).byteLength).toBeLessThanOrEqual(2048);
    const byQuery = await fetch(`${url}?chatwork_webhook_signature=${encodeURIComponent(signature)}`, {
      method: "POST",
      body: chatworkBody,
    });
    expect(byQuery.status).toBe(200);
    await got.all;
    expect(got.events.map((e) => e.webhook_event_type)).toEqual(["message_created", "message_created"]);
    const bad = await fetch(url, { method: "POST", headers: { "x-chatworkwebhooksignature": "AAAA" }, body: "{}" });
    expect(bad.status).toBe(401);
  });

  it("takes the query signature as sent, `+` included (URLSearchParams would read it as a space)", async () => {
    let body = chatworkBody;
    for (let i = 0; !signWebhook("chatwork", body, chatworkToken).signature.includes("+"); i++)
      body = chatworkBody.replace('"12345"', `"${12345 + i}"`);
    const handler = chatworkWebhookHandler({ token: chatworkToken, onEvent: () => undefined });
    const { signature } = signWebhook("chatwork", body, chatworkToken);
    const request = new Request(`http://localhost/webhook?chatwork_webhook_signature=${signature}`, {
      method: "POST",
      body,
    });
    expect((await handler(request)).status).toBe(200);
  });

  it("the web handler delivers the event", async () => {
    const got = collector<ChatworkWebhookEvent>(1);
    const handler = chatworkWebhookHandler({ token: chatworkToken, onEvent: got.onEvent });
    const request = new Request("http://localhost/webhook", {
      method: "POST",
      headers: signWebhook("chatwork", chatworkBody, chatworkToken).headers,
      body: chatworkBody,
    });
    expect((await handler(request)).status).toBe(200);
    expect(got.events).toHaveLength(1);
  });
});

describe("LINE WORKS receiver", () => {
  it("delivers a callback, refuses another bot's with 401", async () => {
    const got = collector<LineWorksCallbackEvent>(1);
    const url = await serve(lineWorksWebhookMiddleware({ botSecret, botId: "2000001", onEvent: got.onEvent }));
    const body = JSON.stringify({
      type: "message",
      source: { userId: "u1", domainId: 40029600 },
      issuedTime: "2026-11-30T02:16:05.716Z",
      content: { type: "text", text: "hello" },
    });
    const { headers } = signWebhook("lineworks", body, botSecret);
    const other = await fetch(url, { method: "POST", headers: { ...headers, "x-works-botid": "9" }, body });
    expect(other.status).toBe(401);
    const res = await fetch(url, { method: "POST", headers: { ...headers, "X-WORKS-BotId": "2000001" }, body });
    expect(res.status).toBe(200);
    await got.all;
    expect(got.events[0]?.type).toBe("message");
  });
});
