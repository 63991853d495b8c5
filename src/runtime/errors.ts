// The error hierarchy (BizchatError → ApiError and its status subclasses, NetworkError, …). Every error says which
// provider answered and carries what a caller needs to react (status, provider messages and code, request id,
// rate-limit state, `retryable`); none holds a secret: requests are kept only in redacted form (see redact.ts).
import type { ProviderName } from "../../generated/registry.js";
import { redactHeaders, redactUrl } from "./redact.js";

/** The providers of this package, from the generated registry (the `apis` of redocly.yaml). */
export type Provider = ProviderName;

export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** When the provider's window resets (from its reset header), if it said. */
  resetAt?: Date;
}

export interface RedactedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface BizchatErrorOptions {
  provider: Provider;
  operationId?: string;
  retryable?: boolean;
  cause?: unknown;
}

export class BizchatError extends Error {
  readonly provider: Provider;
  readonly operationId: string | undefined;
  readonly retryable: boolean;
  /** How many attempts the call sent before it ended with this error (undefined when it never sent one). */
  readonly attempts: number | undefined;

  constructor(message: string, options: BizchatErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.provider = options.provider;
    this.operationId = options.operationId;
    this.retryable = options.retryable ?? false;
    this.attempts = undefined;
  }
}

/** Notes on an error that came from sending how many attempts were sent (nothing for other errors or none sent). */
export function recordAttempts(error: unknown, attempts: number): void {
  if (error instanceof BizchatError && attempts > 0) (error as { attempts: number }).attempts = attempts;
}

export interface ApiErrorDetails extends BizchatErrorOptions {
  status: number;
  /** The provider's parsed error body (or its raw text when it was not JSON, `undefined` when empty). */
  body: unknown;
  /** The provider's human-readable messages, e.g. Chatwork's `errors[]`. */
  messages: string[];
  /** The provider's machine-readable code (LINE WORKS `errorCode` / `code`), if any. */
  code?: string;
  requestId?: string;
  rateLimit?: RateLimitState;
  request: RequestLike;
  response: Response;
}

/** What an error keeps of a request (the method, URL and headers actually sent), before redaction. */
export interface RequestLike {
  method: string;
  url: string;
  headers: Headers | Record<string, string>;
}

export function toRedactedRequest(request: RequestLike): RedactedRequest {
  return { method: request.method, url: redactUrl(request.url), headers: redactHeaders(request.headers) };
}

/** An HTTP error answer. Use the subclass to branch; `status`, `messages` and `code` for details. */
export class ApiError extends BizchatError {
  readonly status: number;
  readonly body: unknown;
  readonly messages: string[];
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly rateLimit: RateLimitState | undefined;
  readonly request: RedactedRequest;
  readonly headers: Record<string, string>;

  constructor(details: ApiErrorDetails) {
    const what = details.messages.length ? details.messages.join("; ") : "no error message in the response";
    const code = details.code ? ` [${details.code}]` : "";
    const op = details.operationId ? `${details.operationId}: ` : "";
    super(`${op}${details.provider} answered HTTP ${details.status}${code}: ${what}`, details);
    this.status = details.status;
    this.body = details.body;
    this.messages = details.messages;
    this.code = details.code;
    this.requestId = details.requestId;
    this.rateLimit = details.rateLimit;
    this.request = toRedactedRequest(details.request);
    this.headers = redactHeaders(details.response.headers);
  }
}

export class AuthenticationError extends ApiError {}
export class PermissionError extends ApiError {}
export class NotFoundError extends ApiError {}
export class RateLimitError extends ApiError {}
export class ServerError extends ApiError {}

export type ApiErrorClass = typeof ApiError;

/** The class for a status when the provider's body says nothing more specific. */
export function errorClassForStatus(status: number): ApiErrorClass {
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionError;
  if (status === 404) return NotFoundError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  return ApiError;
}

/** The connection failed (refused, reset, DNS…); `code` is the system error code when known. */
export class NetworkError extends BizchatError {
  readonly code: string | undefined;
  readonly request: RedactedRequest;
  constructor(message: string, options: BizchatErrorOptions & { code?: string; request: RequestLike }) {
    super(message, options);
    this.code = options.code;
    this.request = toRedactedRequest(options.request);
  }
}

/**
 * The shared (Redis) rate limiter cannot be reached and `rateLimit.redis.onError` is "fail": the call was not sent.
 * Retryable once Redis is back.
 */
export class RateLimiterUnavailableError extends BizchatError {
  constructor(message: string, options: BizchatErrorOptions) {
    super(message, { retryable: true, ...options });
  }
}

/** An attempt exceeded `timeoutMs`, or the whole call its `deadlineMs`. */
export class TimeoutError extends BizchatError {
  readonly timeoutMs: number;
  readonly request: RedactedRequest;
  constructor(message: string, options: BizchatErrorOptions & { timeoutMs: number; request: RequestLike }) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
    this.request = toRedactedRequest(options.request);
  }
}

export interface ValidationIssue {
  /** Where: `body`, `path`, `query`, `header` or `response`. */
  location: string;
  /** The offending field, dotted (e.g. `body.members_admin_ids`); the location alone for the whole value. */
  field: string;
  /** JSON pointer to the value inside its location, e.g. `/members_admin_ids`. */
  pointer: string;
  /** The JSON Schema rule that failed, e.g. `maxLength`, `pattern`, `required`. */
  rule: string;
  /** The rule's parameters, e.g. `{ limit: 255 }`. */
  params: Record<string, unknown>;
  message: string;
}

function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.field} ${i.message} (${i.rule})`).join("; ");
}

/** The input breaks the spec: nothing was sent. */
export class RequestValidationError extends BizchatError {
  readonly issues: ValidationIssue[];
  constructor(operationId: string, provider: Provider, issues: ValidationIssue[]) {
    super(`${operationId}: invalid request, nothing was sent: ${describeIssues(issues)}`, { provider, operationId });
    this.issues = issues;
  }
}

/** The provider's answer does not match the spec (raised with `validate.response: 'strict'`). */
export class ResponseValidationError extends BizchatError {
  readonly issues: ValidationIssue[];
  readonly status: number;
  constructor(operationId: string, provider: Provider, status: number, issues: ValidationIssue[]) {
    super(`${operationId}: HTTP ${status} response does not match the spec: ${describeIssues(issues)}`, {
      provider,
      operationId,
    });
    this.issues = issues;
    this.status = status;
  }
}

/** A webhook delivery failed its signature check or does not match the spec's payload schema. */
/**
 * Why a delivery was refused: `signature` (not signed with the configured secret), `json` (signed, but not JSON),
 * `botId` (LINE WORKS: `X-WORKS-BotId` is not the expected bot), `schema` (only with `validate: "strict"`: an event
 * breaks the spec; by default such events are delivered as `{ type: "invalid", issues }`).
 */
export type WebhookRejection = "signature" | "json" | "schema" | "botId";

export class WebhookVerificationError extends BizchatError {
  readonly reason: WebhookRejection;
  readonly issues: ValidationIssue[];
  constructor(provider: Provider, reason: WebhookRejection, message: string, issues: ValidationIssue[] = []) {
    super(message, { provider });
    this.reason = reason;
    this.issues = issues;
  }
}

/**
 * The receiver is set up wrongly (no secret, or a body that a JSON middleware already parsed): no delivery can be
 * verified until the code changes. Kept apart from WebhookVerificationError so a misconfiguration never looks like
 * a forged request; the message says what to fix and never holds the secret.
 */
export class WebhookConfigurationError extends BizchatError {
  readonly setting: "secret" | "rawBody";
  constructor(provider: Provider, setting: "secret" | "rawBody", message: string) {
    super(message, { provider });
    this.setting = setting;
  }
}

/** One event whose callback threw or rejected. */
export interface WebhookCallbackFailure {
  event: unknown;
  error: unknown;
}

/**
 * A receiver's callback failed for some events of an authentic delivery. The receiver had already answered the
 * provider; every other event was still handed over (`delivered` of them), and the failed ones are listed here with
 * their errors so that they can be retried or logged. Their de-duplication keys were released.
 */
export class WebhookCallbackError extends BizchatError {
  readonly failures: WebhookCallbackFailure[];
  readonly delivered: number;
  constructor(provider: Provider, failures: WebhookCallbackFailure[], delivered: number) {
    super(
      `${provider} webhook callback failed for ${failures.length} event(s) (${delivered} delivered): ` +
        failures.map((f) => (f.error instanceof Error ? f.error.message : String(f.error))).join("; "),
      { provider, cause: failures[0]?.error },
    );
    this.failures = failures;
    this.delivered = delivered;
  }
}
