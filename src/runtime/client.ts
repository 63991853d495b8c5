// Assembles one provider client from its definition: one call is a short sequence of named steps —
// validateCall (nothing is sent when invalid), the operation's prepared plan filled in (buildRequest),
// sendWithRetries (credentials, limiter, one attempt at a time through the sender, retry decision) and toResult
// (typed data, or an instance of the mapped error class). The types are openapi-fetch's.
import { InvalidCredentialError, authHeaders, type Credentials, type SecurityScheme } from "./auth.js";
import {
  ApiError,
  BizchatError,
  RequestValidationError,
  recordAttempts,
  type ApiErrorClass,
  type Provider,
} from "./errors.js";
import { ClientEventHub, type ClientEventListener, type ClientEventName, type TokenRenewalReason } from "./events.js";
import { createFetchSender } from "./fetch-sender.js";
import {
  RateLimiter,
  credentialFingerprint,
  type RateLimitClass,
  type RateLimitHeaderSpec,
  type RateLimitOptions,
} from "./limiter.js";
import {
  prepare,
  targetOf,
  type OperationPlan,
  type OutgoingRequest,
  type PlanContext,
  type RequestBody,
  type Target,
} from "./prepare.js";
import { middlewareCall, MiddlewareStack, type Middleware } from "./middleware.js";
import { CallObserver, type ObservedCall } from "./observer.js";
import { validateCall, type CallParams } from "./request-validation.js";
import { toResult, type ParseAs, type ResultContext } from "./result.js";
import { isNodeRuntime } from "./runtime.js";
import { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
import type { Sender } from "./sender.js";
import { sendWithRetries, type CallState, type TransportContext } from "./transport.js";
import type { OperationValidators } from "./validate.js";
import type { BizchatClient } from "./client-types.js";
import { unknownCallOptionIssues, type ParamLocation } from "./call-options.js";
import { registerOperationCall } from "./operation-call.js";

export type { BizchatClient } from "./client-types.js";
import { USER_AGENT } from "./version.js";

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
  /** Where `validate.response: 'warn'` and event listeners that throw report (default console). */
  logger?: { warn(message: string): void };
  /** Headers sent with every call (a call's own `headers` win). */
  headers?: Record<string, string>;
  /** Appended to the package's own user-agent, e.g. `"my-app/1.2"` → `bizchat-openapi/0.1.0 my-app/1.2`. */
  userAgent?: string;
  /** Each call is an OpenTelemetry span when `@opentelemetry/api` is installed (default true); false never loads it. */
  tracing?: boolean;
}

export interface OperationRow {
  method: string;
  path: string;
  server: { url: string; variables: Record<string, string | undefined>; pathBelowRoot?: string | null };
  requestBody: {
    contentType: string;
    required: boolean;
    binaryFields: Record<string, number | null>;
    /** Fields whose arrays are sent as one comma-separated form value (OAS encoding `explode: false`). */
    commaSeparated?: readonly string[];
    /** Field → the message reported when its value is invalid (`x-bizchat-invalid-message`). */
    invalidMessages?: Record<string, string>;
  } | null;
  /** How openapi-fetch reads a success body (from the spec's 2xx content types). */
  parseAs: "json" | "text" | "blob";
  pathParams: readonly string[];
  /** The locations (path, query, header, cookie) the operation has parameters in: what `params` may hold. */
  paramLocations: readonly ParamLocation[];
  security: readonly (readonly string[])[];
  /** Aligned with `security`: per requirement, each scheme's OAuth scopes (empty for schemes without scopes). */
  securityScopes: readonly Readonly<Record<string, readonly string[]>>[];
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
  /** Why the next credentials need a new access token (null: the cached one serves), for `tokenRenewal` events. */
  tokenRenewalReason?: () => TokenRenewalReason | null;
}

interface CallInit {
  params?: CallParams;
  body?: unknown;
  headers?: HeadersInit | Record<string, string | string[] | null | undefined>;
  signal?: AbortSignal;
  parseAs?: ParseAs;
  /** An absolute URL for this call (e.g. an upload URL an earlier answer gave); the client's baseUrl wins. */
  baseUrl?: string;
  bodySerializer?: (body: unknown) => RequestBody;
  [key: string]: unknown;
}

/** Fixed credentials give fixed headers: worked out once per operation instead of on every attempt. */
function credentialHeaderSource(definition: ProviderDefinition) {
  const { table, credentials, provider } = definition;
  const fixed = Object.values(credentials).every((credential) => typeof credential !== "function");
  const cache = new Map<string, Record<string, string>>();
  const load = async (plan: OperationPlan) => {
    const headers = await authHeaders(plan.row.security, table.securitySchemes, credentials).catch((error: unknown) => {
      if (error instanceof InvalidCredentialError)
        throw new BizchatError(`${plan.operationId}: ${error.message}`, { provider, operationId: plan.operationId });
      throw error;
    });
    if (!headers) {
      const needed = plan.row.security.map((r) => r.join(" + ")).join(" or ");
      throw new BizchatError(`${plan.operationId}: no credentials for its security scheme (${needed})`, {
        provider,
        operationId: plan.operationId,
      });
    }
    if (fixed) cache.set(plan.operationId, headers);
    return headers;
  };
  return (plan: OperationPlan) => cache.get(plan.operationId) ?? load(plan);
}

/** Lower-cased caller headers on top of the plan's: `null` removes one, an array is joined (as fetch joins). */
function mergeHeaders(headers: Record<string, string>, extra: CallInit["headers"] | CallParams["header"]): void {
  if (!extra) return;
  const entries: Iterable<[string, unknown]> =
    extra instanceof Headers ? extra.entries() : Array.isArray(extra) ? extra : Object.entries(extra);
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (value === null) delete headers[key];
    else if (Array.isArray(value)) headers[key] = value.map(String).join(", ");
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a primitive: arrays and null are handled above
    else if (value !== undefined) headers[key] = String(value);
  }
}

/** The client's `headers` and `userAgent` options as one lower-cased record, or undefined when neither is set. */
function clientHeaders(options: CommonOptions): Record<string, string> | undefined {
  if (!options.headers && !options.userAgent) return undefined;
  const headers: Record<string, string> = {};
  mergeHeaders(headers, options.headers);
  if (options.userAgent) headers["user-agent"] = `${USER_AGENT} ${options.userAgent}`;
  return headers;
}

/** Where this call goes: a per-call baseUrl (unless the client pins one), else the plan's target. */
function callTarget(plan: OperationPlan, init: CallInit): Target {
  const target = init.baseUrl !== undefined && !plan.clientBaseUrl ? targetOf(init.baseUrl) : plan.target;
  if (target) return target;
  const missing = Object.keys(plan.row.server.variables).join(", ");
  throw new BizchatError(`${plan.operationId}: the server variable(s) {${missing}} have no value`, {
    provider: plan.provider,
    operationId: plan.operationId,
  });
}

/** The request of one call, filled in from the plan (credentials are added per attempt by the transport). */
function buildRequest(
  plan: OperationPlan,
  init: CallInit,
  target: Target,
  defaults: Record<string, string> | undefined,
): OutgoingRequest {
  const headers = plan.baseHeaders();
  let body: RequestBody | null = null;
  if (init.body !== undefined) {
    body = init.bodySerializer ? init.bodySerializer(init.body) : plan.encodeBody(init.body);
    if (body instanceof FormData) delete headers["content-type"];
    else if (!headers["content-type"]) headers["content-type"] = "application/json";
  }
  if (defaults) Object.assign(headers, defaults);
  mergeHeaders(headers, init.headers);
  mergeHeaders(headers, init.params?.header);
  return {
    method: plan.method,
    origin: target.origin,
    path: target.prefix + plan.pathAndQuery(init.params),
    headers,
    body,
  };
}

/** The client's sender: the undici one on Node unless a fetch is injected, loaded on first use; fetch otherwise. */
function senderSource(options: CommonOptions, useNode: boolean) {
  let sender: Sender | Promise<Sender> | undefined;
  const source = () =>
    (sender ??= useNode
      ? import("./node-sender.js").then(({ createNodeSender }) => (sender = createNodeSender()))
      : createFetchSender(options.fetch ?? globalThis.fetch, options.fetch === undefined));
  const close = async () => {
    const current = await sender;
    sender = undefined;
    await current?.close();
  };
  return { source, close };
}

export function createProviderClient<Paths extends object>(
  definition: ProviderDefinition,
  options: CommonOptions = {},
): BizchatClient<Paths> {
  const { provider, table } = definition;
  const limiter =
    options.rateLimit === false || !Object.keys(table.rateLimits).length
      ? null
      : new RateLimiter(table.rateLimits, options.rateLimit ?? {}, {
          provider,
          credentialFingerprint: credentialFingerprint(definition.credentials),
        });
  const useNode = options.fetch === undefined && isNodeRuntime();
  const senders = senderSource(options, useNode);
  const logger = options.logger ?? console;
  const hub = new ClientEventHub(logger);
  const middleware = new MiddlewareStack();
  const observer = new CallObserver({
    provider,
    hub,
    tracing: options.tracing !== false,
    requestIdHeader: definition.requestIdHeader,
  });
  const defaultHeaders = clientHeaders(options);
  const transport: TransportContext = {
    provider,
    limiter,
    retry: options.retry === false ? null : { ...DEFAULT_RETRY, ...options.retry },
    timeoutMs: options.timeoutMs ?? 30_000,
    deadlineMs: options.deadlineMs,
    maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 * 1024,
    rateLimitHeaders: table.rateLimitHeaders,
    authHeaders: credentialHeaderSource(definition),
    onUnauthorized: definition.onUnauthorized,
    sender: senders.source,
    middleware,
    tokenRenewalReason: definition.tokenRenewalReason,
  };
  const results: ResultContext = {
    definition,
    rateLimitHeaders: table.rateLimitHeaders,
    responseMode: options.validate?.response ?? "off",
    logger,
  };
  const validateRequest = options.validate?.request !== false;
  const planContext: PlanContext = {
    provider,
    baseUrl: options.baseUrl,
    serverVariables: definition.serverVariables,
    acceptEncoding: useNode,
  };
  // One map of plans per method, looked up by the path template: no key string is built per call.
  const plans = new Map<string, Map<string, OperationPlan>>();

  /** The operation's plan, made on its first call. */
  function planFor(method: string, path: string): OperationPlan {
    let byPath = plans.get(method);
    const plan = byPath?.get(path);
    if (plan) return plan;
    const key = `${method} ${path}`;
    const operationId = table.index[key];
    if (!operationId) throw new BizchatError(`${key} is not an operation of the ${provider} spec`, { provider });
    if (!byPath) plans.set(method, (byPath = new Map<string, OperationPlan>()));
    const made = prepare(operationId, table.operations[operationId]!, definition.validators[operationId]!, planContext);
    byPath.set(path, made);
    return made;
  }

  async function send(plan: OperationPlan, init: CallInit, observed: ObservedCall | undefined) {
    const unknownKeys = unknownCallOptionIssues(init, plan.row.paramLocations);
    if (unknownKeys.length) throw new RequestValidationError(plan.operationId, provider, unknownKeys);
    validateCall(plan, init.params, init.body, validateRequest);
    const target = callTarget(plan, init);
    const request = buildRequest(plan, init, target, defaultHeaders);
    const idempotencyHeader = plan.row.idempotencyHeader?.toLowerCase();
    const idempotent = plan.row.idempotent || (idempotencyHeader !== undefined && idempotencyHeader in request.headers);
    const state: CallState = {
      plan,
      request,
      signal: init.signal,
      idempotent,
      pathParams: init.params?.path ?? {},
      attempts: 0,
      observed,
    };
    if (middleware.list.length) {
      const baseUrl = target.origin + target.prefix;
      state.middleware = middlewareCall(plan, init.params, baseUrl, options.fetch ?? globalThis.fetch);
    }
    observed?.begin(request);
    try {
      const answer = await sendWithRetries(transport, state);
      const result = toResult(results, plan, answer, init.parseAs ?? plan.row.parseAs, request, idempotent);
      if (result.error) recordAttempts(result.error, state.attempts);
      return result;
    } catch (error) {
      recordAttempts(error, state.attempts);
      throw error;
    }
  }

  async function call(method: string, path: string, init: CallInit = {}) {
    const plan = planFor(method, path);
    return observer.engaged
      ? observer.run(plan, (observed) => send(plan, init, observed))
      : send(plan, init, undefined);
  }

  const method = (name: string) => (path: string, init?: CallInit) => call(name, path, init);
  const client = {
    GET: method("GET"),
    POST: method("POST"),
    PUT: method("PUT"),
    PATCH: method("PATCH"),
    DELETE: method("DELETE"),
    close: async () => {
      await limiter?.stop();
      await senders.close();
    },
    on: (name: ClientEventName, listener: ClientEventListener<ClientEventName>) => hub.on(name, listener),
    off: (name: ClientEventName, listener: ClientEventListener<ClientEventName>) => hub.off(name, listener),
    use: (...list: Middleware[]) => middleware.use(...list),
    eject: (...list: Middleware[]) => middleware.eject(...list),
  };
  registerOperationCall(client, async (name, path, init) => {
    const { data, error, response } = await call(name, path, init);
    return error instanceof ApiError ? { error, response } : { data, response };
  });
  // The methods are one untyped `call`; the spec's paths give them their types.
  return client as unknown as BizchatClient<Paths>;
}
