// Step 4 of a call: the answer as the caller gets it, `{ data, error, response }` as openapi-fetch gives it. The
// body was read whole by the transport: it is parsed here from the bytes, checked against the spec where asked,
// and an error status becomes an instance of the mapped ApiError class. `response` is built only when read.
import type { ErrorDescription, ProviderDefinition } from "./client.js";
import { errorClassForStatus, ResponseValidationError, type ApiError } from "./errors.js";
import { readRateLimitHeaders, type RateLimitHeaderSpec } from "./limiter.js";
import { sentRequest, type OperationPlan, type OutgoingRequest } from "./prepare.js";
import { mayRetryStatus } from "./retry.js";
import type { Answer } from "./sender.js";
import { validationIssues, type Validator } from "./validate.js";

export type ParseAs = "json" | "text" | "blob" | "arrayBuffer" | "stream";

export interface ResultContext {
  definition: ProviderDefinition;
  rateLimitHeaders: RateLimitHeaderSpec | null;
  responseMode: "off" | "warn" | "strict";
  logger: { warn(message: string): void };
}

export interface CallResult {
  data?: unknown;
  error?: unknown;
  readonly response: Response;
}

const utf8 = new TextDecoder();

function malformedJson(plan: OperationPlan, status: number): ResponseValidationError {
  // JSON.parse's message quotes the body (which may hold a token): the typed error says what is wrong without it.
  return new ResponseValidationError(plan.operationId, plan.provider, status, [
    { location: "response", field: "response", pointer: "", rule: "json", params: {}, message: "is not valid JSON" },
  ]);
}

/** True when openapi-fetch would find no body to read: 204, HEAD, or Content-Length 0 without chunking. */
function hasNoBody(answer: Answer, method: string): boolean {
  if (answer.status === 204 || method === "HEAD") return true;
  return answer.headers.get("content-length") === "0" && !answer.headers.get("transfer-encoding")?.includes("chunked");
}

/** A success body as openapi-fetch's parseAs reads it (UTF-8, a leading BOM dropped; empty JSON is undefined). */
function successData(plan: OperationPlan, answer: Answer, parseAs: ParseAs): unknown {
  const bytes = answer.bytes;
  if (parseAs === "json") {
    const text = utf8.decode(bytes);
    if (!text && !answer.headers.get("content-length")) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw malformedJson(plan, answer.status);
    }
  }
  if (parseAs === "text") return utf8.decode(bytes);
  if (parseAs === "blob")
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: answer.headers.get("content-type") ?? "" });
  if (parseAs === "arrayBuffer") return bytes.slice().buffer;
  return new Response(bytes as Uint8Array<ArrayBuffer>).body;
}

/** An error body: the provider's JSON, else its text (openapi-fetch's rule). */
function errorBody(answer: Answer): unknown {
  const text = utf8.decode(answer.bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** With `validate.response`, a JSON answer is checked against the spec's schema for its status. */
function checkResponse(ctx: ResultContext, plan: OperationPlan, status: number, body: unknown): void {
  if (ctx.responseMode === "off" || (body !== undefined && typeof body !== "object")) return;
  const code = String(status);
  const validator: Validator | undefined = plan.validators.responses[code] ?? plan.validators.responses[`${code[0]}XX`];
  if (!validator) return;
  const issues =
    body === undefined
      ? [
          {
            location: "response",
            field: "response",
            pointer: "",
            rule: "required",
            params: {},
            message: "is empty, but the spec defines a body",
          },
        ]
      : validationIssues(validator, body, "response");
  if (!issues.length) return;
  const error = new ResponseValidationError(plan.operationId, plan.provider, status, issues);
  if (ctx.responseMode === "strict") throw error;
  ctx.logger.warn(error.message);
}

/** The typed error of an error answer: the class from the provider's body or the status, without any secret. */
export function toApiError(
  ctx: ResultContext,
  plan: OperationPlan,
  answer: Answer,
  body: unknown,
  request: OutgoingRequest,
  idempotent: boolean,
  response: Response,
): ApiError {
  const description: ErrorDescription = ctx.definition.describeError(body, answer.status);
  const ErrorClass = description.errorClass ?? errorClassForStatus(answer.status);
  const requestIdHeader = ctx.definition.requestIdHeader;
  const requestId = requestIdHeader ? (answer.headers.get(requestIdHeader) ?? undefined) : undefined;
  const reading = readRateLimitHeaders(answer.headers, ctx.rateLimitHeaders);
  return new ErrorClass({
    provider: plan.provider,
    operationId: plan.operationId,
    status: answer.status,
    body,
    messages: description.messages,
    ...(description.code ? { code: description.code } : {}),
    ...(requestId ? { requestId } : {}),
    ...(Object.keys(reading).length ? { rateLimit: reading } : {}),
    // What the client itself would retry: a 429 always, a 5xx only where sending again is safe.
    retryable: mayRetryStatus(answer.status, idempotent),
    request: sentRequest(request),
    response,
  });
}

/** The caller's result for the last answer of a call. */
export function toResult(
  ctx: ResultContext,
  plan: OperationPlan,
  answer: Answer,
  parseAs: ParseAs,
  request: OutgoingRequest,
  idempotent: boolean,
): CallResult {
  let response: Response | undefined;
  const lazyResponse = () => (response ??= answer.toResponse());
  const ok = answer.status >= 200 && answer.status < 300;
  const empty = hasNoBody(answer, plan.method);
  if (ok) {
    const data = empty ? undefined : successData(plan, answer, parseAs);
    if (parseAs === "json") checkResponse(ctx, plan, answer.status, data);
    return {
      data,
      get response() {
        return lazyResponse();
      },
    };
  }
  const body = empty ? undefined : errorBody(answer);
  checkResponse(ctx, plan, answer.status, body);
  const error = toApiError(ctx, plan, answer, body, request, idempotent, lazyResponse());
  return {
    error,
    get response() {
      return lazyResponse();
    },
  };
}
