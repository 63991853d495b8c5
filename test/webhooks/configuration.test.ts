// A misconfigured receiver (no secret, or a body a JSON middleware already parsed) is told apart from a forged
// request: WebhookConfigurationError, whose message says what to fix and never holds the secret.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookConfigurationError, WebhookVerificationError } from "../../src/index.js";
import { parseChatworkWebhook } from "../../src/chatwork/index.js";
import { parseLineWebhook } from "../../src/line/index.js";
import { parseLineWorksWebhook } from "../../src/lineworks/index.js";

const secret = "c2VjcmV0LXdlYmhvb2stdG9rZW4tZm9yLXRlc3Rz";
const body = '{"destination":"Ud335ff95a0468833bba7810b8f0b084b","events":[]}';
const signature = createHmac("sha256", secret).update(body).digest("base64");
const parsers = {
  chatwork: (raw: unknown, key: unknown) =>
    parseChatworkWebhook(raw as string, { token: key as string, signature: "AAAA" }),
  line: (raw: unknown, key: unknown) => parseLineWebhook(raw as string, { channelSecret: key as string, signature }),
  lineworks: (raw: unknown, key: unknown) =>
    parseLineWorksWebhook(raw as string, { botSecret: key as string, signature }),
};

describe.each(Object.entries(parsers))("%s: misconfiguration", (_provider, parse) => {
  it.each([undefined, "", "   ", null])("a missing or empty secret (%j) is a configuration error", (key) => {
    const error = (() => {
      try {
        parse(body, key);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebhookConfigurationError);
    expect(error).not.toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookConfigurationError).setting).toBe("secret");
    expect((error as Error).message).toMatch(/missing or empty/);
  });

  it("an already-parsed body says to pass the raw body, and the message holds no secret", () => {
    for (const parsed of [JSON.parse(body) as unknown, {}, 42]) {
      try {
        parse(parsed, secret);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookConfigurationError);
        expect((error as WebhookConfigurationError).setting).toBe("rawBody");
        expect((error as Error).message).toContain("express.raw({ type: '*/*' })");
        expect((error as Error).message).not.toContain(secret);
        expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(secret);
      }
    }
  });
});
