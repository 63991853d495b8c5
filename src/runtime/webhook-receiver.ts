// One receiver, two front doors: a web-standard `(request) => Promise<Response>` (Workers, Deno, Bun, Hono, Next.js
// route handlers) and a Node `(req, res, next?)` handler usable as Express middleware. Both read the raw body
// themselves, let the provider's parser verify it, answer the way the provider expects (401 bad signature, 400 not
// JSON, 200 with an empty body), then hand each event to the caller's callback, de-duplicating redeliveries. A
// callback failure is reported, never lets it skip the events after it.
import {
  WebhookCallbackError,
  WebhookConfigurationError,
  WebhookVerificationError,
  type Provider,
  type WebhookCallbackFailure,
} from "./errors.js";
import { memoryDeduplication, type DeduplicationStore } from "./deduplication.js";
import { isRawBody, utf8Bytes, type RawBody } from "./webhooks.js";

/** What a parser needs from the request besides its body. */
export interface DeliveryMeta {
  header(name: string): string | undefined;
  url: URL;
}

/** A provider's part: parse (verify, then sort the events) and the de-duplication key of an event. */
export interface ProviderReceiver<Event> {
  provider: Provider;
  parse(rawBody: RawBody, meta: DeliveryMeta): Event[];
  /** A key identifying the event across redeliveries, or undefined when it has none. */
  deduplicationKey(event: Event, meta: DeliveryMeta): string | undefined;
}

export interface WebhookReceiverOptions<Event> {
  /** Called once per event, in delivery order. A throw or rejection is reported through `onError`. */
  onEvent: (event: Event) => void | Promise<void>;
  /**
   * Failures after the answer was sent: a WebhookCallbackError (callback failures, with the events) or a
   * WebhookConfigurationError (the receiver cannot verify anything). Default: logged with console.error.
   */
  onError?: (error: Error) => void;
  /** Where seen event keys are kept: default an in-memory LRU; `false` turns de-duplication off. */
  deduplicate?: false | DeduplicationStore;
  /** How long a key is remembered. Default 24 hours (LINE redelivers for up to a day or so). */
  deduplicationTtlMs?: number;
}

export type WebRequestHandler = (
  request: Request,
  context?: { waitUntil?(promise: Promise<unknown>): void },
) => Promise<Response>;

export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by body parsers: a Buffer/Uint8Array or string from `express.raw()`/`express.text()` is used as is. */
  body?: unknown;
  readableEnded?: boolean;
  on(event: "data", listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type NodeRequestHandler = (
  req: NodeRequestLike,
  res: NodeResponseLike,
  next?: (error?: unknown) => void,
) => void;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Status and (short, secret-free) text of the answer to a refused delivery. */
function refusal(error: unknown): { status: number; text: string } | undefined {
  if (error instanceof WebhookConfigurationError) return { status: 500, text: "webhook receiver misconfigured" };
  if (!(error instanceof WebhookVerificationError)) return undefined;
  if (error.reason === "json") return { status: 400, text: "body is not JSON" };
  if (error.reason === "schema") return { status: 400, text: "body does not match the schema" };
  return { status: 401, text: "signature does not match" };
}

/** Builds both handlers for one provider. */
export function createWebhookReceiver<Event>(
  provider: ProviderReceiver<Event>,
  options: WebhookReceiverOptions<Event>,
): { handleRequest: WebRequestHandler; nodeHandler: NodeRequestHandler } {
  const store = options.deduplicate === false ? undefined : (options.deduplicate ?? memoryDeduplication());
  const ttlMs = options.deduplicationTtlMs ?? DAY_MS;
  const report = options.onError ?? ((error: Error) => console.error(error));

  async function dispatch(events: Event[], meta: DeliveryMeta): Promise<void> {
    const failures: WebhookCallbackFailure[] = [];
    let delivered = 0;
    for (const event of events) {
      const key = provider.deduplicationKey(event, meta);
      if (key !== undefined && store && !(await store.claim(key, ttlMs))) continue;
      try {
        await options.onEvent(event);
        delivered++;
      } catch (error) {
        failures.push({ event, error });
        if (key !== undefined && store) await store.release(key);
      }
    }
    if (failures.length) report(new WebhookCallbackError(provider.provider, failures, delivered));
  }

  /** Parses a delivery: the events to dispatch, or the answer refusing it. */
  function receive(body: unknown, meta: DeliveryMeta): { events: Event[] } | { status: number; text: string } {
    try {
      // A body that is not raw bytes reaches the parser too: it throws the configuration error that says so.
      return { events: provider.parse(body as RawBody, meta) };
    } catch (error) {
      const answer = refusal(error);
      if (!answer) throw error;
      if (error instanceof WebhookConfigurationError) report(error);
      return answer;
    }
  }

  const handleRequest: WebRequestHandler = async (request, context) => {
    if (request.method !== "POST") return new Response("", { status: 405, headers: { allow: "POST" } });
    const meta: DeliveryMeta = { header: (name) => request.headers.get(name) ?? undefined, url: new URL(request.url) };
    const result = receive(new Uint8Array(await request.arrayBuffer()), meta);
    if ("status" in result) return new Response(result.text, { status: result.status });
    const work = dispatch(result.events, meta).catch(report);
    // Answer before the callbacks when the platform keeps the work alive (Workers' ctx.waitUntil); otherwise
    // finish them first, as a serverless platform may freeze the instance once the response is sent.
    if (context?.waitUntil) context.waitUntil(work);
    else await work;
    return new Response("", { status: 200 });
  };

  const nodeHandler: NodeRequestHandler = (req, res, next) => {
    const answer = (status: number, text = "") => {
      res.statusCode = status;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end(text);
    };
    if (req.method !== undefined && req.method !== "POST") return answer(405);
    const meta: DeliveryMeta = {
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      url: new URL(req.url ?? "/", "http://localhost"),
    };
    const handle = (body: unknown) => {
      const result = receive(body, meta);
      if ("status" in result) return answer(result.status, result.text);
      // Node keeps running after the answer: reply at once (LINE WORKS does not resend, LINE counts slow answers as
      // failures), then run the callbacks.
      answer(200);
      void dispatch(result.events, meta).catch(report);
    };
    readNodeBody(req).then(handle, (error: unknown) => (next ? next(error) : answer(400, "body could not be read")));
  };

  return { handleRequest, nodeHandler };
}

/**
 * The raw body of a Node request: what a raw/text body parser left in `req.body`, else the stream. A stream
 * already consumed by a JSON parser yields its parsed `req.body`, which the parser reports as a configuration error.
 */
function readNodeBody(req: NodeRequestLike): Promise<unknown> {
  if (isRawBody(req.body)) return Promise.resolve(typeof req.body === "string" ? utf8Bytes(req.body) : req.body);
  if (req.body !== undefined || req.readableEnded) return Promise.resolve(req.body);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (chunk) => chunks.push(typeof chunk === "string" ? utf8Bytes(chunk) : chunk));
    req.on("end", () => resolve(concat(chunks)));
    req.on("error", reject);
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
