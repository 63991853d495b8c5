// Chatwork webhooks: signature = base64(HMAC-SHA256(key = base64decode(webhook token), raw body)), sent in the
// `x-chatworkwebhooksignature` header and, URL-encoded, in the `chatwork_webhook_signature` query parameter
// (for Google Apps Script, which cannot read headers). Sources: Chatwork API PDF p. 60; Creators' Note
// 2017-12-20; shared/reference/chatwork.md §5.3.
import type { components } from "../../generated/chatwork.js";
import { webhookPayload } from "../../generated/chatwork.validators.js";
import { WebhookVerificationError } from "../runtime/errors.js";
import { validationIssues, type Validator } from "../runtime/validate.js";
import { hmacSha256Base64, parseJson, signaturesMatch, type RawBody } from "../runtime/webhooks.js";

export type ChatworkWebhookPayload = components["schemas"]["WebhookPayload"];

function decodeQueryForm(signature: string): string {
  if (!signature.includes("%")) return signature;
  try {
    return decodeURIComponent(signature);
  } catch {
    return signature;
  }
}

/** True when `signature` (header value, or the query parameter as received, URL-encoded or not) signs `rawBody`. */
export function verifyChatworkSignature(rawBody: RawBody, signature: unknown, token: string): boolean {
  try {
    if (typeof signature !== "string" || typeof token !== "string") return false;
    const key = Buffer.from(token, "base64");
    if (!key.length) return false;
    return signaturesMatch(hmacSha256Base64(key, rawBody), decodeQueryForm(signature));
  } catch {
    return false;
  }
}

export interface ParseChatworkWebhookOptions {
  /** The webhook token shown when the webhook was created (base64). */
  token: string;
  /** `x-chatworkwebhooksignature` header, or the `chatwork_webhook_signature` query parameter. */
  signature: string | null | undefined;
}

/** Verifies, then validates against the spec, then returns the typed event (narrow on `webhook_event_type`). */
export function parseChatworkWebhook(rawBody: RawBody, options: ParseChatworkWebhookOptions): ChatworkWebhookPayload {
  if (!verifyChatworkSignature(rawBody, options.signature, options.token)) {
    throw new WebhookVerificationError(
      "chatwork",
      "signature",
      "Chatwork webhook signature does not match the raw body (check the webhook token, and pass the body exactly as received)",
    );
  }
  const payload = parseJson(rawBody);
  if (payload === undefined)
    throw new WebhookVerificationError("chatwork", "json", "Chatwork webhook body is not valid JSON");
  const issues = validationIssues(webhookPayload, payload, "body");
  if (issues.length) {
    throw new WebhookVerificationError(
      "chatwork",
      "schema",
      `Chatwork webhook payload does not match the spec: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return payload as ChatworkWebhookPayload;
}
