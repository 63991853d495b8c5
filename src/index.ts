export {
  BizchatError,
  ApiError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  RateLimitError,
  ServerError,
  NetworkError,
  TimeoutError,
  RateLimiterUnavailableError,
  RequestValidationError,
  ResponseValidationError,
  WebhookVerificationError,
  WebhookConfigurationError,
  WebhookCallbackError,
  type WebhookCallbackFailure,
  type WebhookRejection,
  type Provider,
  type RateLimitState,
  type RedactedRequest,
  type ValidationIssue,
} from "./runtime/errors.js";
export type { CommonOptions, ValidateOptions, BizchatClient } from "./runtime/client.js";
export type { RateLimitOptions, RateLimitClass } from "./runtime/limiter.js";
export type { RedisRateLimitOptions, RedisClientLike } from "./runtime/redis-link.js";
export type { RetryOptions } from "./runtime/retry.js";
export type {
  CallEventBase,
  ClientEventListener,
  ClientEventName,
  ClientEvents,
  ErrorEvent,
  RateLimitWaitEvent,
  RequestEvent,
  ResponseEvent,
  RetryEvent,
  RetryReason,
  TokenRenewalEvent,
  TokenRenewalReason,
} from "./runtime/events.js";
export type { Middleware } from "./runtime/middleware.js";
export type { Credential } from "./runtime/auth.js";
export type { RawBody } from "./runtime/webhooks.js";
export {
  memoryDeduplication,
  redisDeduplication,
  type DeduplicationStore,
  type MemoryDeduplicationOptions,
  type RedisDeduplicationOptions,
  type RedisSetClient,
} from "./runtime/deduplication.js";
export type {
  WebhookReceiverOptions,
  WebRequestHandler,
  NodeRequestHandler,
  NodeRequestLike,
  NodeResponseLike,
} from "./runtime/webhook-receiver.js";
export type { UnknownWebhookEvent, InvalidWebhookEvent, WebhookValidation } from "./runtime/webhook-events.js";
