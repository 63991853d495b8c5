// LINE webhooks: x-line-signature = base64(HMAC-SHA256(key = channel secret, raw body))
// (Messaging API "Verify webhook signature"; shared/reference/line.md §4.2). Module channels receive the events
// of seed 003: `module` (attached/detached inside `module.type`), activated, deactivated, botSuspended, botResumed.
import type { components } from "../../generated/line.js";
import { webhookValidators } from "../../generated/line.validators.js";
import { WebhookVerificationError, type ValidationIssue } from "../runtime/errors.js";
import { validationIssues, type Validator } from "../runtime/validate.js";
import { parseJson, verifyUtf8KeyedSignature, type RawBody } from "../runtime/webhooks.js";

type S = components["schemas"];
export type LineModuleEvent = S["ModuleEvent"];
export type LineKnownEvent =
  S["ModuleEvent"] | S["ActivatedEvent"] | S["DeactivatedEvent"] | S["BotSuspendedEvent"] | S["BotResumedEvent"];

/**
 * An event type this version does not know (LINE adds event types over time). It is passed through, not
 * rejected: `originalType` is the type LINE sent and `event` the raw object.
 */
export interface LineUnknownEvent {
  type: "unknown";
  originalType: string;
  event: unknown;
}

export type LineWebhookEvent = LineKnownEvent | LineUnknownEvent;

export interface LineWebhookPayload {
  destination: string;
  events: LineWebhookEvent[];
}

export function verifyLineSignature(rawBody: RawBody, signature: unknown, channelSecret: string): boolean {
  return verifyUtf8KeyedSignature(rawBody, signature, channelSecret);
}

export interface ParseLineWebhookOptions {
  channelSecret: string;
  /** The `x-line-signature` header. */
  signature: string | null | undefined;
}

const validators = webhookValidators as unknown as Record<string, Validator>;

/** `type` as text. A JSON object may carry its own `toString`/`valueOf` keys, on which String() throws. */
function typeName(type: unknown): string {
  if (typeof type === "string") return type;
  return type !== null && typeof type === "object" ? JSON.stringify(type) : String(type);
}

/** Verifies, validates each known event against the spec, and returns the typed events (narrow on `type`). */
export function parseLineWebhook(rawBody: RawBody, options: ParseLineWebhookOptions): LineWebhookPayload {
  if (!verifyLineSignature(rawBody, options.signature, options.channelSecret)) {
    throw new WebhookVerificationError(
      "line",
      "signature",
      "LINE webhook signature does not match the raw body (check the channel secret, and pass the body exactly as received)",
    );
  }
  const payload = parseJson(rawBody) as { destination?: unknown; events?: unknown } | undefined;
  if (payload === undefined) throw new WebhookVerificationError("line", "json", "LINE webhook body is not valid JSON");
  if (!payload || typeof payload.destination !== "string" || !Array.isArray(payload.events)) {
    throw new WebhookVerificationError(
      "line",
      "schema",
      "LINE webhook body must be { destination: string, events: [] }",
    );
  }
  const issues: ValidationIssue[] = [];
  const events = payload.events.map((event: unknown, index: number): LineWebhookEvent => {
    const type = (event as { type?: unknown } | null)?.type;
    // Own properties only: an event type such as "constructor" or "__proto__" must not reach Object.prototype
    // (it would be called as a validator and throw, or pass as a known event).
    const validator = typeof type === "string" && Object.hasOwn(validators, type) ? validators[type] : undefined;
    if (!validator) return { type: "unknown", originalType: typeName(type), event };
    for (const issue of validationIssues(validator, { destination: payload.destination, events: [event] }, "body")) {
      issues.push({
        ...issue,
        field: issue.field.replace("body.events.0", `body.events.${index}`),
        pointer: issue.pointer.replace(/^\/events\/0/, `/events/${index}`),
      });
    }
    return event as LineKnownEvent;
  });
  if (issues.length) {
    throw new WebhookVerificationError(
      "line",
      "schema",
      `LINE webhook event does not match the spec: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return { destination: payload.destination, events };
}
