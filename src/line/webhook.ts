// LINE webhooks: x-line-signature = base64(HMAC-SHA256(key = channel secret, raw body))
// (https://developers.line.biz/en/reference/messaging-api/#signature-validation). Module channels receive the
// events of https://developers.line.biz/en/reference/partner-docs/#module-webhook-event-object: `module`
// (attached/detached inside `module.type`), activated, deactivated, botSuspended, botResumed.
import type { components } from "../../generated/line.js";
import { webhookValidators } from "../../generated/line.validators.js";
import { WebhookVerificationError } from "../runtime/errors.js";
import type { Validator } from "../runtime/validate.js";
import {
  classify,
  fieldOf,
  enforceStrict,
  rebasedIssues,
  validatorFor,
  type InvalidWebhookEvent,
  type UnknownWebhookEvent,
  type WebhookValidation,
} from "../runtime/webhook-events.js";
import { assertWebhookSetup, parseJson, verifyUtf8KeyedSignature, type RawBody } from "../runtime/webhooks.js";

type S = components["schemas"];
/** The members of a union keyed by a literal `type` (drops the spec's catch-all `{ type: string }` variants). */
type Listed<T> = T extends { type: infer K } ? (string extends K ? never : T) : T;
/** An event whose source (and module) kinds are the listed ones, so narrowing on their `type` works. */
type Narrowed<E> = Omit<E, "source" | "module"> & { source?: Listed<S["Source"]> } & (E extends { module: unknown }
    ? { module: Listed<S["ModuleContent"]> }
    : unknown);
export type LineModuleEvent = Narrowed<S["ModuleEvent"]>;
export type LineKnownEvent =
  | LineModuleEvent
  | Narrowed<S["ActivatedEvent"]>
  | Narrowed<S["DeactivatedEvent"]>
  | Narrowed<S["BotSuspendedEvent"]>
  | Narrowed<S["BotResumedEvent"]>;

// LINE's webhook.yml types `source.type` and `module.type` as strings, so the spec accepts any value; an event whose
// source or module kind is not one of these is delivered as `unknown` (it cannot be typed honestly).
const LISTED_SOURCES = new Set(["user", "group", "room"]);
const LISTED_MODULE_KINDS = new Set(["attached", "detached"]);
function hasUnlistedKind(event: unknown): boolean {
  const source = fieldOf(event, "source");
  const module = fieldOf(event, "module");
  if (source !== undefined && !LISTED_SOURCES.has(fieldOf(source, "type") as string)) return true;
  return module !== undefined && !LISTED_MODULE_KINDS.has(fieldOf(module, "type") as string);
}

/** An event type this version does not know (LINE adds event types over time), passed through as received. */
export type LineUnknownEvent = UnknownWebhookEvent;
/** A signed event that breaks LINE's schema: delivered with its issues, never coerced. */
export type LineInvalidEvent = InvalidWebhookEvent;

export type LineWebhookEvent = LineKnownEvent | LineUnknownEvent | LineInvalidEvent;

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
  /** `"strict"` refuses the whole delivery when an event breaks the spec; by default it is delivered as `invalid`. */
  validate?: WebhookValidation;
}

const validators = webhookValidators as unknown as Record<string, Validator>;

function sortEvent(destination: unknown, event: unknown, index: number): LineWebhookEvent {
  const type = (event as { type?: unknown } | null)?.type;
  const validator = validatorFor(validators, type);
  let issues = validator
    ? rebasedIssues(validator, { destination, events: [event] }, "body.events.0", `body.events.${index}`)
    : undefined;
  if (issues?.length === 0 && hasUnlistedKind(event)) issues = undefined;
  return classify<LineKnownEvent>({ type, event, issues });
}

/** A signed JSON body that is not `{ destination, events: [] }`: delivered whole as one invalid event. */
function malformedEnvelope(payload: unknown): LineWebhookPayload {
  const destination = (payload as { destination?: unknown } | null)?.destination;
  const issue = {
    location: "body",
    field: "body",
    pointer: "",
    rule: "type",
    params: {},
    message: "must be { destination: string, events: [] }",
  };
  return {
    destination: typeof destination === "string" ? destination : "",
    events: [{ type: "invalid", originalType: "", event: payload, issues: [issue] }],
  };
}

/**
 * Verifies the signature, then sorts each event: valid ones typed (narrow on `type`), unknown types as `unknown`,
 * events that break the spec as `invalid` with their issues. Throws WebhookVerificationError only for a bad
 * signature or a body that is not JSON, and WebhookConfigurationError when the secret or the raw body is missing.
 */
export function parseLineWebhook(rawBody: RawBody, options: ParseLineWebhookOptions): LineWebhookPayload {
  assertWebhookSetup("line", "channel secret", options.channelSecret, rawBody);
  if (!verifyLineSignature(rawBody, options.signature, options.channelSecret)) {
    throw new WebhookVerificationError(
      "line",
      "signature",
      "LINE webhook signature does not match the raw body (check the channel secret, and pass the body exactly as received)",
    );
  }
  const payload = parseJson(rawBody) as { destination?: unknown; events?: unknown } | undefined;
  if (payload === undefined) throw new WebhookVerificationError("line", "json", "LINE webhook body is not valid JSON");
  const result =
    payload && typeof payload.destination === "string" && Array.isArray(payload.events)
      ? {
          destination: payload.destination,
          events: payload.events.map((event: unknown, i: number) => sortEvent(payload.destination, event, i)),
        }
      : malformedEnvelope(payload);
  enforceStrict("line", "LINE webhook event", options.validate, result.events);
  return result;
}
