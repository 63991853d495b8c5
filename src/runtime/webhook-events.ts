// Sorting the events of an authentic delivery. Once the signature holds and the body is JSON, every event reaches
// the caller: one the spec knows and that matches it, as is; one of a type this version does not know, as
// `{ type: "unknown" }`; one that breaks the spec, as `{ type: "invalid", issues }` (never coerced). Providers do not
// resend an event the receiver accepted, so refusing a whole delivery for one odd event would lose the others.
import { WebhookVerificationError, type Provider, type ValidationIssue } from "./errors.js";
import { validationIssues, type Validator } from "./validate.js";

/** An event type this version does not know (providers add types over time): `event` is the object as received. */
export interface UnknownWebhookEvent {
  type: "unknown";
  originalType: string;
  event: unknown;
}

/** An event that does not match the provider's schema: `event` is the object as received, `issues` say where. */
export interface InvalidWebhookEvent {
  type: "invalid";
  originalType: string;
  event: unknown;
  issues: ValidationIssue[];
}

/** `"strict"` throws WebhookVerificationError (reason `schema`) for an invalid event instead of delivering it. */
export type WebhookValidation = "deliver" | "strict";

/** `type` as text. A JSON object may carry its own `toString`/`valueOf` keys, on which String() throws. */
export function typeName(type: unknown): string {
  if (typeof type === "string") return type;
  return type !== null && typeof type === "object" ? JSON.stringify(type) : String(type);
}

/**
 * The validator for an event type. Own properties only: a type such as "constructor" or "__proto__" must not reach
 * Object.prototype (it would be called as a validator and throw, or pass as a known event).
 */
export function validatorFor(validators: Record<string, Validator>, type: unknown): Validator | undefined {
  return typeof type === "string" && Object.hasOwn(validators, type) ? validators[type] : undefined;
}

/** `value[key]` when `value` is an object, else undefined (a JSON body may be anything). */
export function fieldOf(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export interface ClassifyInput {
  /** The event's type as sent. */
  type: unknown;
  /** The event as received. */
  event: unknown;
  /** Issues of the event against its schema (empty when it matches), or undefined when the type is not known. */
  issues: ValidationIssue[] | undefined;
}

export function classify<Known>({
  type,
  event,
  issues,
}: ClassifyInput): Known | UnknownWebhookEvent | InvalidWebhookEvent {
  if (issues === undefined) return { type: "unknown", originalType: typeName(type), event };
  if (issues.length) return { type: "invalid", originalType: typeName(type), event, issues };
  return event as Known;
}

/**
 * Sorts a one-event delivery by its `typeKey` field (Chatwork, LINE WORKS): a known type checked against its schema,
 * an unknown type as `unknown`, and a body whose type is missing or not text as `invalid` with `untypedIssues()`.
 */
export function classifyByType<Known>(
  validators: Record<string, Validator>,
  payload: unknown,
  typeKey: string,
  untypedIssues: () => ValidationIssue[],
): Known | UnknownWebhookEvent | InvalidWebhookEvent {
  const type = fieldOf(payload, typeKey);
  const validator = validatorFor(validators, type);
  const issues = validator
    ? validationIssues(validator, payload, "body")
    : typeof type === "string"
      ? undefined
      : untypedIssues();
  return classify<Known>({ type: type ?? "", event: payload, issues });
}

/** Issues of `data` against `validator`, with the field names rebased from `from` to `to` (batch positions). */
export function rebasedIssues(validator: Validator, data: unknown, from: string, to: string): ValidationIssue[] {
  const fromPointer = "/" + from.split(".").slice(1).join("/");
  const toPointer = "/" + to.split(".").slice(1).join("/");
  return validationIssues(validator, data, "body").map((issue) => ({
    ...issue,
    field: issue.field.startsWith(from) ? to + issue.field.slice(from.length) : issue.field,
    pointer: issue.pointer.startsWith(fromPointer)
      ? toPointer + issue.pointer.slice(fromPointer.length)
      : issue.pointer,
  }));
}

function isInvalid(event: unknown): event is InvalidWebhookEvent {
  return (event as { type?: unknown }).type === "invalid" && Array.isArray((event as { issues?: unknown }).issues);
}

/** With `validate: "strict"`, the first invalid event refuses the whole delivery. */
export function enforceStrict(
  provider: Provider,
  label: string,
  mode: WebhookValidation | undefined,
  events: readonly unknown[],
): void {
  if (mode !== "strict") return;
  const issues = events.flatMap((e) => (isInvalid(e) ? e.issues : []));
  if (!issues.length) return;
  throw new WebhookVerificationError(
    provider,
    "schema",
    `${label} does not match the spec: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`,
    issues,
  );
}
