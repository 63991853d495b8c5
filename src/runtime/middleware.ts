// Client middleware in openapi-fetch's own shape (`onRequest`, `onResponse`, `onError`, in the order openapi-fetch
// runs them: onRequest first to last, onError and onResponse last to first), run on every attempt: a header added
// in onRequest goes out on retries too. Middleware sees the request without its credentials (they are added after
// onRequest), so a logging middleware cannot leak them. Without middleware none of this runs.
import {
  createQuerySerializer,
  defaultPathSerializer,
  type MergedOptions,
  type Middleware,
  type MiddlewareCallbackParams,
  type MiddlewareRequestParams,
} from "openapi-fetch";
import type { OperationPlan, OutgoingRequest, RequestBody } from "./prepare.js";
import { responseOf, type Answer } from "./sender.js";

export type { Middleware };

/** What every callback of one call gets besides the request. */
export type MiddlewareCall = Omit<MiddlewareCallbackParams, "request">;

export class MiddlewareStack {
  /** Replaced, never changed in place: an attempt runs the middleware registered when it started. */
  list: readonly Middleware[] = [];

  use(...middleware: Middleware[]): void {
    for (const m of middleware) {
      if (!m) continue;
      if (typeof m !== "object" || !("onRequest" in m || "onResponse" in m || "onError" in m))
        throw new TypeError("Middleware must be an object with one of `onRequest()`, `onResponse()` or `onError()`");
      this.list = [...this.list, m];
    }
  }

  eject(...middleware: Middleware[]): void {
    this.list = this.list.filter((m) => !middleware.includes(m));
  }
}

let lastId = 0;

/** The read-only part of the callbacks' argument for one call (the same on every attempt). */
export function middlewareCall(
  plan: OperationPlan,
  params: MiddlewareRequestParams | undefined,
  baseUrl: string,
  fetchImpl: typeof globalThis.fetch,
): MiddlewareCall {
  const options: MergedOptions = Object.freeze({
    baseUrl,
    parseAs: plan.row.parseAs,
    querySerializer: createQuerySerializer(),
    bodySerializer: (body: unknown) => plan.encodeBody(body),
    pathSerializer: defaultPathSerializer,
    fetch: fetchImpl,
  });
  return { schemaPath: plan.row.path, params: params ?? {}, id: `bizchat-${++lastId}`, options };
}

function toRequest(request: OutgoingRequest, hidden: ReadonlySet<string>): Request {
  const headers = new Headers();
  for (const name in request.headers) if (!hidden.has(name)) headers.set(name, request.headers[name]!);
  return new Request(request.origin + request.path, {
    method: request.method,
    headers,
    body: request.body as BodyInit | null,
  });
}

/** The request as the sender takes it: what middleware left, with the credentials put back. */
async function fromRequest(
  request: Request,
  original: OutgoingRequest,
  hidden: ReadonlySet<string>,
): Promise<OutgoingRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  for (const name of hidden) headers[name] = original.headers[name]!;
  let body: RequestBody | null = null;
  if (request.body !== null) body = request.bodyUsed ? original.body : new Uint8Array(await request.arrayBuffer());
  return { method: request.method, origin: url.origin, path: url.pathname + url.search, headers, body };
}

/** An answer made of a Response a middleware returned (read whole, as the senders do). */
async function answerOf(response: Response): Promise<Answer> {
  const read = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    bytes: new Uint8Array(await response.arrayBuffer()),
    url: response.url,
  };
  return { ...read, toResponse: () => responseOf(read, response.headers) };
}

async function runOnRequest(
  list: readonly Middleware[],
  call: MiddlewareCall,
  request: Request,
): Promise<Request | Response> {
  for (const m of list) {
    if (typeof m.onRequest !== "function") continue;
    const result = await m.onRequest({ ...call, request });
    if (result === undefined) continue;
    if (result instanceof Response) return result;
    if (!(result instanceof Request))
      throw new TypeError("onRequest: must return new Request() or Response() when modifying the request");
    request = result;
  }
  return request;
}

async function runOnError(
  list: readonly Middleware[],
  call: MiddlewareCall,
  request: Request,
  failure: unknown,
): Promise<Answer> {
  let error = failure;
  for (let i = list.length - 1; i >= 0; i--) {
    const onError = list[i]!.onError;
    if (typeof onError !== "function") continue;
    const result = await onError({ ...call, request, error });
    if (result === undefined) continue;
    if (result instanceof Response) return answerOf(result);
    if (!(result instanceof Error)) throw new TypeError("onError: must return new Response() or instance of Error");
    error = result;
  }
  throw error;
}

async function runOnResponse(
  list: readonly Middleware[],
  call: MiddlewareCall,
  request: Request,
  answer: Answer,
): Promise<Answer> {
  let response: Response | undefined;
  let replaced = false;
  for (let i = list.length - 1; i >= 0; i--) {
    const onResponse = list[i]!.onResponse;
    if (typeof onResponse !== "function") continue;
    response ??= answer.toResponse();
    const result = await onResponse({ ...call, request, response });
    if (result === undefined) continue;
    if (!(result instanceof Response))
      throw new TypeError("onResponse: must return new Response() when modifying the response");
    response = result;
    replaced = true;
  }
  return replaced ? answerOf(response!) : answer;
}

/**
 * One attempt through the middleware. `credentialHeaders` (lower case) are hidden from it and put back after
 * onRequest. A Response from onRequest or onError stands for the answer; an Error from onError ends the call.
 */
export async function exchangeThroughMiddleware(
  list: readonly Middleware[],
  call: MiddlewareCall,
  outgoing: OutgoingRequest,
  credentialHeaders: ReadonlySet<string>,
  send: (request: OutgoingRequest) => Promise<Answer>,
): Promise<Answer> {
  const first = await runOnRequest(list, call, toRequest(outgoing, credentialHeaders));
  if (first instanceof Response) return answerOf(first);
  let answer: Answer;
  try {
    answer = await send(await fromRequest(first, outgoing, credentialHeaders));
  } catch (error) {
    return runOnError(list, call, first, error);
  }
  return runOnResponse(list, call, first, answer);
}
