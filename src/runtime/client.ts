// Assembles one provider client around openapi-fetch: look the call up in the generated operation table, validate
// it (nothing is sent when invalid), serialize the body by the spec's media type, send it through the transport
// (auth, limiter, retries, time-outs) and map error answers to the typed error classes.
import createClient from "openapi-fetch";
import type { HttpMethod } from "openapi-typescript-helpers";
import { InvalidCredentialError, authHeaders, type Credentials, type SecurityScheme } from "./auth.js";
import {
  ApiError,
  BizchatError,
  errorClassForStatus,
  RequestValidationError,
  ResponseValidationError,
  type ApiErrorClass,
  type Provider,
  type ValidationIssue,
} from "./errors.js";
import {
  RateLimiter,
  credentialFingerprint,
  readRateLimitHeaders,
  type RateLimitClass,
  type RateLimitHeaderSpec,
  type RateLimitOptions,
} from "./limiter.js";
import { DEFAULT_RETRY, mayRetryStatus, type RetryOptions } from "./retry.js";
import { binaryPartIssues, isEncodable, toFormUrlEncoded, toMultipart } from "./serializers.js";
import { createCallFetch, PreparedRequest } from "./transport.js";
import { validationIssues, type OperationValidators, type Validator } from "./validate.js";
import type { BizchatClient } from "./client-types.js";
import { unknownCallOptionIssues, type ParamLocation } from "./call-options.js";
import { registerOperationCall } from "./operation-call.js";

export type { BizchatClient } from "./client-types.js";

export interface ValidateOptions {
  /** Validate params and body before sending (default true). */
  request?: boolean;
  /** Validate JSON answers against the spec: ignore, log a warning, or fail with ResponseValidationError (default 'off'). */
  response?: "off" | "warn" | "strict";
}

export interface CommonOptions {
  /** Default: the spec's server for each operation. Set it to send every operation to one host (e.g. a mock). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Default: the provider's documented limits. `false` turns client-side limiting off. */
  rateLimit?: false | RateLimitOptions;
  /** Default `{ maxAttempts: 3 }`, only where a retry is safe. `false` sends every call once. */
  retry?: false | RetryOptions;
  /** Time limit of one attempt, body included, in ms (default 30 000; a server that never answers must not hang a call). */
  timeoutMs?: number;
  /** Time limit of the whole call including retries and waits, in ms. */
  deadlineMs?: number;
  validate?: ValidateOptions;
  /** Larger answers are abandoned with ResponseValidationError (rule `maxBytes`) rather than buffered (default 64 MiB). */
  maxResponseBytes?: number;
  /** Where `validate.response: 'warn'` reports (default console). */
  logger?: { warn(message: string): void };
}

export interface OperationRow {
  method: string;
  path: string;
  server: { url: string; variables: Record<string, string | undefined> };
  requestBody: { contentType: string; required: boolean; binaryFields: Record<string, number | null> } | null;
  /** How openapi-fetch reads a success body (from the spec's 2xx content types). */
  parseAs: "json" | "text" | "blob";
  pathParams: readonly string[];
  /** The locations (path, query, header, cookie) the operation has parameters in: what `params` may hold. */
  paramLocations: readonly ParamLocation[];
  security: readonly (readonly string[])[];
  rateLimit: readonly string[];
  idempotent: boolean;
  idempotencyHeader: string | null;
}

export interface OperationTable {
  operations: Record<string, OperationRow>;
  index: Record<string, string>;
  securitySchemes: Record<string, SecurityScheme>;
  rateLimits: Record<string, RateLimitClass>;
  rateLimitHeaders: RateLimitHeaderSpec | null;
}

export interface ErrorDescription {
  messages: string[];
  code?: string;
  /** A more specific class than the HTTP status gives (e.g. from a LINE WORKS errorCode). */
  errorClass?: ApiErrorClass;
}

/** What to report when an error body is not the provider's JSON (an HTML error page, plain text, nothing). */
export function describeNonJsonError(body: unknown): ErrorDescription {
  if (typeof body === "string" && body.trim())
    return { messages: [`unexpected non-JSON error body: ${body.trim().slice(0, 200)}`] };
  return { messages: [] };
}

export interface ProviderDefinition {
  provider: Provider;
  table: OperationTable;
  validators: Record<string, OperationValidators>;
  credentials: Credentials;
  /** Values for server variables such as LINE WORKS API 1.0's `{apiId}`. */
  serverVariables?: Record<string, string>;
  requestIdHeader?: string;
  describeError(body: unknown, status: number): ErrorDescription;
  onUnauthorized?: (response: Response) => Promise<boolean>;
}

/**
 * A path parameter of "." or ".." would be resolved away by URL parsing (even percent-encoded: the WHATWG URL
 * standard treats %2E%2E as ".."), changing the route; an empty one leaves an empty segment ("//"); a lone
 * surrogate cannot be percent-encoded. Such values are refused whatever `validate.request` says, checked as
 * openapi-fetch will serialize them (an array or object becomes its comma-joined values). Every other character,
 * "/" included, is percent-encoded by openapi-fetch's path serializer.
 */
function unsafePathIssues(path: Record<string, unknown> | undefined): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [name, value] of Object.entries(path ?? {})) {
    if (value === undefined) continue;
    const text = Array.isArray(value)
      ? value.map(String).join(",")
      : value !== null && typeof value === "object"
        ? Object.entries(value).flat().map(String).join(",")
        : String(value);
    const base = { location: "path" as const, field: `path.${name}`, pointer: `/${name}`, params: {} };
    if (/^(\.|%2e){0,2}$/i.test(text)) {
      issues.push({
        ...base,
        rule: "dotSegment",
        message: 'must not be empty, "." or ".." (it would change the route)',
      });
    } else if (!isEncodable(text)) {
      issues.push({
        ...base,
        rule: "encoding",
        message: "must be well-formed Unicode (a lone surrogate cannot be sent in a URL)",
      });
    }
  }
  return issues;
}

const utf8 = new TextDecoder();

/**
 * What openapi-fetch makes of a success body with parseAs "json" or "text" (Body.json() / Body.text(): UTF-8,
 * a leading BOM dropped), from bytes already read: without Content-Length an empty JSON body is `undefined`.
 */
function parseSuccessBody(bytes: Uint8Array, parseAs: "json" | "text", contentLength: string | null): unknown {
  const text = utf8.decode(bytes);
  if (parseAs === "text") return text;
  return !contentLength && !text ? undefined : JSON.parse(text);
}

function serverUrl(row: OperationRow, variables: Record<string, string> | undefined): string {
  return row.server.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = variables?.[name] ?? row.server.variables[name];
    if (value === undefined) throw new Error(`server variable {${name}} has no value`);
    return encodeURIComponent(value);
  });
}

interface CallInit {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  [key: string]: unknown;
}

export function createProviderClient<Paths extends object>(
  definition: ProviderDefinition,
  options: CommonOptions = {},
): BizchatClient<Paths> {
  const { provider, table } = definition;
  const base = createClient<Record<string, Record<HttpMethod, {}>>>();
  const limiter =
    options.rateLimit === false || !Object.keys(table.rateLimits).length
      ? null
      : new RateLimiter(table.rateLimits, options.rateLimit ?? {}, {
          provider,
          credentialFingerprint: credentialFingerprint(definition.credentials),
        });
  const retry = options.retry === false ? null : { ...DEFAULT_RETRY, ...options.retry };
  const validateRequest = options.validate?.request !== false;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const responseMode = options.validate?.response ?? "off";
  const logger = options.logger ?? console;
  // Fixed credentials give fixed headers: worked out once per operation instead of on every attempt.
  const staticCredentials = Object.values(definition.credentials).every(
    (credential) => typeof credential !== "function",
  );
  const staticAuthHeaders = new Map<string, Record<string, string>>();

  async function call(method: string, path: string, init: CallInit = {}) {
    const operationId = table.index[`${method} ${path}`];
    if (!operationId)
      throw new BizchatError(`${method} ${path} is not an operation of the ${provider} spec`, { provider });
    const row = table.operations[operationId]!;
    const validators = definition.validators[operationId]!;
    const unknownKeys = unknownCallOptionIssues(init, row.paramLocations);
    if (unknownKeys.length) throw new RequestValidationError(operationId, provider, unknownKeys);

    const unsafePath = unsafePathIssues(init.params?.path);
    if (unsafePath.length) throw new RequestValidationError(operationId, provider, unsafePath);
    if (validateRequest) {
      const params = init.params ?? {};
      const issues: ValidationIssue[] = validationIssues(validators.params, params, "params", true);
      if (row.requestBody) {
        if (init.body === undefined) {
          if (row.requestBody.required) {
            issues.push({
              location: "body",
              field: "body",
              pointer: "",
              rule: "required",
              params: {},
              message: "is required",
            });
          }
        } else {
          issues.push(...validationIssues(validators.body!, init.body, "body"));
          issues.push(...binaryPartIssues(init.body, row.requestBody.binaryFields));
        }
      }
      if (issues.length) throw new RequestValidationError(operationId, provider, issues);
    }

    const loadCredentialHeaders = async () => {
      const headers = await authHeaders(row.security, table.securitySchemes, definition.credentials).catch(
        (error: unknown) => {
          if (error instanceof InvalidCredentialError)
            throw new BizchatError(`${operationId}: ${error.message}`, { provider, operationId });
          throw error;
        },
      );
      if (!headers) {
        const needed = row.security.map((r) => r.join(" + ")).join(" or ");
        throw new BizchatError(`${operationId}: no credentials for its security scheme (${needed})`, {
          provider,
          operationId,
        });
      }
      if (staticCredentials) staticAuthHeaders.set(operationId, headers);
      return headers;
    };
    const credentialHeaders = () => staticAuthHeaders.get(operationId) ?? loadCredentialHeaders();

    const contentType = row.requestBody?.contentType;
    const headers: Record<string, string> = { ...init.headers };
    let bodySerializer: ((body: unknown) => unknown) | undefined;
    if (contentType === "application/x-www-form-urlencoded") {
      headers["Content-Type"] = contentType;
      bodySerializer = (body) => toFormUrlEncoded(body as Record<string, unknown>);
    } else if (contentType === "multipart/form-data") {
      bodySerializer = (body) => toMultipart(body as Record<string, unknown>);
    }

    let answered: Response | undefined;
    // JSON and text answers are parsed here from the bytes the transport read inside the attempt; openapi-fetch
    // then hands the body over unread (parseAs "stream"). Copying the Response for openapi-fetch to read it again
    // cost about a tenth of a call. Other parseAs values take that copy.
    const parseAs = init.parseAs ?? row.parseAs;
    const parseHere = parseAs === "json" || parseAs === "text";
    let successBytes: Uint8Array | undefined;
    const idempotencyKeySet =
      row.idempotencyHeader !== null &&
      Object.keys(headers).some((name) => name.toLowerCase() === row.idempotencyHeader!.toLowerCase());
    const fetchForCall = createCallFetch({
      provider,
      operationId,
      operation: row,
      pathParams: init.params?.path ?? {},
      fetch: options.fetch ?? globalThis.fetch,
      limiter,
      retry,
      timeoutMs,
      deadlineMs: options.deadlineMs,
      rateLimitHeaders: table.rateLimitHeaders,
      authHeaders: credentialHeaders,
      onUnauthorized: definition.onUnauthorized,
      maxResponseBytes,
      onSuccessBody: parseHere ? (bytes) => (successBytes = bytes) : undefined,
    });

    // One literal of fixed shape (spreading `init` into it made every call's options a slow dictionary-mode object);
    // the caller's other keys (e.g. `signal`) are copied over as given.
    const requestOptions: Record<string, unknown> = {
      params: init.params,
      body: init.body,
      headers,
      // A client pinned to one host (e.g. a mock) keeps it; otherwise a per-call baseUrl (an absolute upload URL)
      // wins over the spec's server.
      baseUrl:
        options.baseUrl ??
        (typeof init.baseUrl === "string" ? init.baseUrl : serverUrl(row, definition.serverVariables)),
      fetch: (request: Request) => fetchForCall(request).then((last) => (answered = last)),
      parseAs: parseHere ? "stream" : parseAs,
      bodySerializer: bodySerializer ?? init.bodySerializer,
      Request: init.Request ?? PreparedRequest,
    };
    for (const key in init) if (!(key in requestOptions)) requestOptions[key] = init[key];
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = await base.request(method.toLowerCase() as HttpMethod, path as never, requestOptions as never);
      // `data` is undefined when openapi-fetch found no body to read (204, HEAD, Content-Length 0).
      if (successBytes !== undefined && result.data !== undefined) {
        result.data = parseSuccessBody(
          successBytes,
          parseAs as "json" | "text",
          result.response.headers.get("Content-Length"),
        );
      }
    } catch (error) {
      // The body was read whole by the transport, so a SyntaxError here is the provider's malformed JSON. Its
      // message quotes the body (which may hold a token): the typed error says what is wrong without quoting it.
      if (error instanceof SyntaxError && answered) {
        throw new ResponseValidationError(operationId, provider, answered.status, [
          {
            location: "response",
            field: "response",
            pointer: "",
            rule: "json",
            params: {},
            message: "is not valid JSON",
          },
        ]);
      }
      throw error;
    }
    const response = result.response;
    const status = String(response.status);
    const bodyValue = response.ok ? result.data : result.error;

    if (responseMode !== "off" && (bodyValue === undefined || typeof bodyValue === "object")) {
      const validator: Validator | undefined = validators.responses[status] ?? validators.responses[`${status[0]}XX`];
      const issues = !validator
        ? []
        : bodyValue === undefined
          ? [
              {
                location: "response" as const,
                field: "response",
                pointer: "",
                rule: "required",
                params: {},
                message: "is empty, but the spec defines a body",
              },
            ]
          : validationIssues(validator, bodyValue, "response");
      if (issues.length) {
        const error = new ResponseValidationError(operationId, provider, response.status, issues);
        if (responseMode === "strict") throw error;
        logger.warn(error.message);
      }
    }

    if (response.ok) return result;
    const description = definition.describeError(result.error, response.status);
    const ErrorClass = description.errorClass ?? errorClassForStatus(response.status);
    const requestId = definition.requestIdHeader
      ? (response.headers.get(definition.requestIdHeader) ?? undefined)
      : undefined;
    const reading = readRateLimitHeaders(response.headers, table.rateLimitHeaders);
    const error = new ErrorClass({
      provider,
      operationId,
      status: response.status,
      body: result.error,
      messages: description.messages,
      ...(description.code ? { code: description.code } : {}),
      ...(requestId ? { requestId } : {}),
      ...(Object.keys(reading).length ? { rateLimit: reading } : {}),
      // What the client itself would retry: a 429 always, a 5xx only where sending again is safe.
      retryable: mayRetryStatus(
        response.status,
        row.idempotent || (row.idempotencyHeader !== null && idempotencyKeySet),
      ),
      request: new Request(response.url || "http://invalid/", { method }),
      response,
    });
    return { error, response };
  }

  const method = (name: string) => (path: string, init?: CallInit) => call(name, path, init);
  const client = {
    GET: method("GET"),
    POST: method("POST"),
    PUT: method("PUT"),
    PATCH: method("PATCH"),
    DELETE: method("DELETE"),
    close: async () => limiter?.stop(),
  };
  registerOperationCall(client, async (name, path, init) => {
    const { data, error, response } = await call(name, path, init);
    return error instanceof ApiError ? { error, response } : { data, response };
  });
  // The methods are one untyped `call`; the spec's paths give them their types.
  return client as unknown as BizchatClient<Paths>;
}
