// Chatwork webhooks: signature = base64(HMAC-SHA256(key = base64decode(webhook token), raw body)), sent in the
// `x-chatworkwebhooksignature` header and, URL-encoded, in the `chatwork_webhook_signature` query parameter
// (for Google Apps Script, which cannot read headers). Source: https://developer.chatwork.com/docs/webhook
import type { components } from "../../generated/chatwork.js";
import { webhookPayload, webhookValidators } from "../../generated/chatwork.validators.js";
import { WebhookVerificationError } from "../runtime/errors.js";
import { validationIssues, type Validator } from "../runtime/validate.js";
import {
  classifyByType,
  enforceStrict,
  type InvalidWebhookEvent,
  type UnknownWebhookEvent,
  type WebhookValidation,
} from "../runtime/webhook-events.js";
import {
  assertWebhookSetup,
  base64Bytes,
  hmacSha256Base64,
  parseJson,
  signaturesMatch,
  type RawBody,
} from "../runtime/webhooks.js";

/** A delivery of a known event type that matches the spec; narrow on `webhook_event_type`. */
export type ChatworkWebhookPayload = components["schemas"]["WebhookPayload"] & { type?: undefined };
/** An event type this version does not know, as received (`originalType` is its `webhook_event_type`). */
export type ChatworkUnknownEvent = UnknownWebhookEvent & { webhook_event_type?: undefined };
/** A signed delivery that breaks Chatwork's schema: delivered with its issues, never coerced. */
export type ChatworkInvalidEvent = InvalidWebhookEvent & { webhook_event_type?: undefined };
/** What parseChatworkWebhook returns: check `type` ("unknown", "invalid") first, then `webhook_event_type`. */
export type ChatworkWebhookEvent = ChatworkWebhookPayload | ChatworkUnknownEvent | ChatworkInvalidEvent;

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
    const key = base64Bytes(token);
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
  /** `"strict"` refuses a delivery that breaks the spec; by default it is returned as `invalid`. */
  validate?: WebhookValidation;
}

// The `webhooks:` entries of specs/chatwork.yaml, by the `webhook_event_type` each receives.
const validators: Record<string, Validator> = {
  message_created: webhookValidators.messageCreated as Validator,
  message_updated: webhookValidators.messageUpdated as Validator,
  mention_to_me: webhookValidators.mentionToMe as Validator,
};

/**
 * Verifies the signature, then sorts the delivery: a known event that matches the spec typed (narrow on
 * `webhook_event_type`), an unknown type as `unknown`, one that breaks the spec as `invalid` with its issues.
 * Throws WebhookVerificationError only for a bad signature or a body that is not JSON, and
 * WebhookConfigurationError when the token or the raw body is missing.
 */
export function parseChatworkWebhook(rawBody: RawBody, options: ParseChatworkWebhookOptions): ChatworkWebhookEvent {
  assertWebhookSetup("chatwork", "webhook token", options.token, rawBody);
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
  // A body without a usable `webhook_event_type` is checked against the whole union, so it reports why.
  const event = classifyByType<ChatworkWebhookPayload>(validators, payload, "webhook_event_type", () =>
    validationIssues(webhookPayload as Validator, payload, "body"),
  ) as ChatworkWebhookEvent;
  enforceStrict("chatwork", "Chatwork webhook payload", options.validate, [event]);
  return event;
}
