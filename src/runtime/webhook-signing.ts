// Signing a delivery the way each provider does, so users can test their receivers (and the CLI can produce a
// signature): LINE (https://developers.line.biz/en/reference/messaging-api/#signature-validation) and LINE WORKS
// (https://developers.worksmobile.com/en/docs/bot-callback) key HMAC-SHA256 with the secret's UTF-8 bytes, Chatwork
// with the base64-decoded webhook token (https://developer.chatwork.com/docs/webhook).
import { base64Bytes, hmacSha256Base64, utf8Bytes, type RawBody } from "./webhooks.js";

export type WebhookProvider = "chatwork" | "line" | "lineworks";

export interface SignedWebhook {
  /** The signature value. */
  signature: string;
  /** The request headers carrying it (plus `content-type: application/json`). */
  headers: Record<string, string>;
}

const SIGNATURE_HEADER: Record<WebhookProvider, string> = {
  chatwork: "x-chatworkwebhooksignature",
  line: "x-line-signature",
  lineworks: "x-works-signature",
};

export function isWebhookProvider(value: unknown): value is WebhookProvider {
  return typeof value === "string" && Object.hasOwn(SIGNATURE_HEADER, value);
}

/** Signs `body` with `secret` (Chatwork: the webhook token; LINE: the channel secret; LINE WORKS: the bot secret). */
export function signWebhook(provider: WebhookProvider, body: RawBody, secret: string): SignedWebhook {
  if (!isWebhookProvider(provider)) throw new TypeError(`signWebhook: unknown provider ${String(provider)}`);
  if (typeof secret !== "string" || !secret) throw new TypeError("signWebhook: the secret is missing or empty");
  const key = provider === "chatwork" ? base64Bytes(secret) : utf8Bytes(secret);
  const signature = hmacSha256Base64(key, body);
  return { signature, headers: { "content-type": "application/json", [SIGNATURE_HEADER[provider]]: signature } };
}
