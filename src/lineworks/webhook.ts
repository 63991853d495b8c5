// LINE WORKS bot callbacks: X-WORKS-Signature = base64(HMAC-SHA256(key = bot secret, raw body)), X-WORKS-BotId names
// the bot (https://developers.worksmobile.com/en/docs/bot-callback). One event per request; LINE WORKS does not
// resend a failed delivery, so every authentic event is handed over, whatever its shape.
import type { components } from "../../generated/lineworks.js";
import { webhookValidators } from "../../generated/lineworks.validators.js";
import { WebhookVerificationError } from "../runtime/errors.js";
import type { Validator } from "../runtime/validate.js";
import {
  classifyByType,
  enforceStrict,
  type InvalidWebhookEvent,
  type UnknownWebhookEvent,
  type WebhookValidation,
} from "../runtime/webhook-events.js";
import { assertWebhookSetup, parseJson, verifyUtf8KeyedSignature, type RawBody } from "../runtime/webhooks.js";

type S = components["schemas"];
export type LineWorksMessageContent = S["CallbackMessageContent"];
export type LineWorksKnownEvent =
  | S["CallbackMessageEvent"]
  | S["CallbackPostbackEvent"]
  | S["CallbackJoinEvent"]
  | S["CallbackLeaveEvent"]
  | S["CallbackJoinedEvent"]
  | S["CallbackLeftEvent"]
  | S["CallbackBeginEvent"];
/** A callback type this version does not know (e.g. `end`, listed only on the Korean pages), as received. */
export type LineWorksUnknownEvent = UnknownWebhookEvent;
/** A signed callback that breaks the documented schema: delivered with its issues, never coerced. */
export type LineWorksInvalidEvent = InvalidWebhookEvent;
export type LineWorksCallbackEvent = LineWorksKnownEvent | LineWorksUnknownEvent | LineWorksInvalidEvent;

export function verifyLineWorksSignature(rawBody: RawBody, signature: unknown, botSecret: string): boolean {
  return verifyUtf8KeyedSignature(rawBody, signature, botSecret);
}

export interface ParseLineWorksWebhookOptions {
  /** The Bot Secret from the Developer Console (bot detail). */
  botSecret: string;
  /** The `X-WORKS-Signature` header. */
  signature: string | null | undefined;
  /** When given, the `X-WORKS-BotId` header must equal it, as the official samples check. */
  botId?: string;
  /** The `X-WORKS-BotId` header (checked only when `botId` is given). */
  receivedBotId?: string | null;
  /** `"strict"` refuses a callback that breaks the spec; by default it is returned as `invalid`. */
  validate?: WebhookValidation;
}

const validators = webhookValidators as unknown as Record<string, Validator>;

/**
 * Verifies the signature (and the bot ID when `botId` is given), then sorts the callback: a known event that
 * matches the spec typed (narrow on `type`, and on `content.type` for messages), an unknown type as `unknown`, one
 * that breaks the spec as `invalid` with its issues. Throws WebhookVerificationError only for a bad signature, a
 * wrong bot or a body that is not JSON, and WebhookConfigurationError when the secret or the raw body is missing.
 */
export function parseLineWorksWebhook(rawBody: RawBody, options: ParseLineWorksWebhookOptions): LineWorksCallbackEvent {
  assertWebhookSetup("lineworks", "bot secret", options.botSecret, rawBody);
  if (!verifyLineWorksSignature(rawBody, options.signature, options.botSecret)) {
    throw new WebhookVerificationError(
      "lineworks",
      "signature",
      "LINE WORKS callback signature does not match the raw body (check the bot secret, and pass the body exactly as received)",
    );
  }
  if (options.botId !== undefined && options.receivedBotId?.trim() !== options.botId) {
    throw new WebhookVerificationError("lineworks", "botId", "LINE WORKS callback is for another bot (X-WORKS-BotId)");
  }
  const payload = parseJson(rawBody);
  if (payload === undefined)
    throw new WebhookVerificationError("lineworks", "json", "LINE WORKS callback body is not valid JSON");
  const event = classifyByType<LineWorksKnownEvent>(validators, payload, "type", () => [
    { location: "body", field: "body.type", pointer: "/type", rule: "type", params: {}, message: "must be string" },
  ]);
  enforceStrict("lineworks", "LINE WORKS callback", options.validate, [event]);
  return event;
}
