// The Node transport: each attempt goes through an undici Pool of this client (one per origin, never the global
// dispatcher) with `dispatcher.request`, time-outs as undici's headersTimeout/bodyTimeout, the body read whole
// inside the attempt. It does what fetch would otherwise do for us: follow redirects, ask for compression and
// decompress, send a user-agent. Loaded with import() the first time a Node client sends, so entry points load on
// every runtime.
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions } from "node:zlib";
import { Pool, type Dispatcher } from "undici";
import { BizchatError } from "./errors.js";
import type { OutgoingRequest, RequestBody } from "./prepare.js";
import {
  AttemptFailure,
  responseOf,
  type Answer,
  type AttemptLimits,
  type HeaderReader,
  type Sender,
} from "./sender.js";

type RawHeaders = Record<string, string | string[] | undefined>;
type Decompress = (input: InputType, options: ZlibOptions) => Promise<Buffer>;

const DECOMPRESS: Record<string, Decompress> = {
  gzip: promisify(gunzip),
  "x-gzip": promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** The Fetch standard's redirect limit (https://fetch.spec.whatwg.org/#http-redirect-fetch). */
const MAX_REDIRECTS = 20;
const REDIRECT = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a request body, dropped when a redirect turns the request into a GET (Fetch standard). */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
/**
 * undici's headersTimeout/bodyTimeout run on timers that tick about every 0.5 s, so they fire up to ~1 s late: fine
 * for the 30 s default, too coarse for a limit of a few seconds. Shorter limits get a precise timer per attempt.
 */
const PRECISE_BELOW_MS = 5_000;

interface PreciseTimer {
  signal: AbortSignal;
  clear(): void;
}

function preciseTimer(ms: number): PreciseTimer {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AttemptFailure("timeout", undefined, undefined)), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

class UndiciHeaders implements HeaderReader {
  constructor(readonly raw: RawHeaders) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }
  toHeaders(): Headers {
    const headers = new Headers();
    for (const name in this.raw) {
      const value = this.raw[name];
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.append(name, value);
    }
    return headers;
  }
}

/** A body undici sends as is: strings and bytes; forms and blobs are encoded through a Response (rare: uploads). */
async function sendable(
  body: RequestBody | null,
  headers: Record<string, string>,
): Promise<string | Uint8Array | null> {
  if (body === null || typeof body === "string" || body instanceof Uint8Array) return body;
  const encoded = new Response(body);
  const type = encoded.headers.get("content-type");
  if (type && !headers["content-type"]) headers["content-type"] = type;
  return new Uint8Array(await encoded.arrayBuffer());
}

/**
 * Collects the body, refusing more than maxResponseBytes. undici's bodyTimeout bounds the gap between two chunks;
 * a body that keeps trickling in is bounded here by the attempt's total time, checked as each chunk arrives.
 */
function collect(data: Dispatcher.ResponseData, limits: AttemptLimits, endsAt: number): Promise<Uint8Array> {
  const body = data.body;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const fail = (error: Error) => {
      body.destroy();
      reject(error);
    };
    body.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limits.maxResponseBytes) fail(limits.tooLarge(data.statusCode, total));
      else if (endsAt && Date.now() > endsAt) fail(new AttemptFailure("timeout", "UND_ERR_BODY_TIMEOUT", undefined));
      else chunks.push(chunk);
    });
    body.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)));
    body.on("error", reject);
  });
}

async function readBody(data: Dispatcher.ResponseData, limits: AttemptLimits, endsAt: number): Promise<Uint8Array> {
  const declared = data.headers["content-length"];
  const max = limits.maxResponseBytes;
  if (typeof declared === "string" && Number(declared) > max) {
    data.body.destroy();
    throw limits.tooLarge(data.statusCode, Number(declared));
  }
  const bytes = await collect(data, limits, endsAt);
  const encoding = data.headers["content-encoding"];
  const decompress = typeof encoding === "string" ? DECOMPRESS[encoding.trim().toLowerCase()] : undefined;
  if (!decompress || bytes.byteLength === 0) return bytes;
  try {
    return await decompress(bytes, { maxOutputLength: max });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw limits.tooLarge(data.statusCode, max + 1);
    throw error;
  }
}

/** Where a redirect leads, and the request that follows it (Fetch standard, HTTP-redirect fetch). */
function redirected(
  request: OutgoingRequest,
  location: string,
  status: number,
  credentialHeaders: readonly string[],
): OutgoingRequest {
  const next = new URL(location, request.origin + request.path);
  if (next.protocol !== "http:" && next.protocol !== "https:")
    throw new AttemptFailure("network", "UND_ERR_REDIRECT_SCHEME", new Error(`redirect to ${next.protocol}`));
  const headers = { ...request.headers };
  let { method, body } = request;
  if (
    ((status === 301 || status === 302) && method === "POST") ||
    (status === 303 && method !== "GET" && method !== "HEAD")
  ) {
    method = "GET";
    body = null;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (next.origin !== request.origin)
    for (const name of ["authorization", ...credentialHeaders]) delete headers[name.toLowerCase()];
  return { method, origin: next.origin, path: next.pathname + next.search, headers, body };
}

function failureOf(error: unknown, limits: AttemptLimits, timer: PreciseTimer | undefined): unknown {
  if (limits.signal?.aborted) return limits.signal.reason;
  if (timer?.signal.aborted) return timer.signal.reason;
  if (error instanceof AttemptFailure) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) return new AttemptFailure("timeout", code, error);
  if (error instanceof BizchatError) return error;
  return new AttemptFailure("network", typeof code === "string" ? code : undefined, error);
}

export interface NodeSenderOptions {
  /** Connections per origin: at least as many as the callers sending at once (default 128). */
  connections?: number;
}

export function createNodeSender(options: NodeSenderOptions = {}): Sender {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: options.connections ?? 128 })));
    return pool;
  };

  function once(
    request: OutgoingRequest,
    limits: AttemptLimits,
    body: string | Uint8Array | null,
    signal: AbortSignal | undefined,
  ) {
    return poolFor(request.origin).request({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
      signal: signal ?? null,
    });
  }

  async function send(first: OutgoingRequest, limits: AttemptLimits): Promise<Answer> {
    let request = first;
    const endsAt = limits.timeoutMs ? Date.now() + limits.timeoutMs : 0;
    const timer = limits.timeoutMs && limits.timeoutMs < PRECISE_BELOW_MS ? preciseTimer(limits.timeoutMs) : undefined;
    const signal =
      timer && limits.signal ? AbortSignal.any([limits.signal, timer.signal]) : (timer?.signal ?? limits.signal);
    try {
      for (let redirects = 0; ; redirects++) {
        const body = await sendable(request.body, request.headers);
        const data = await once(request, limits, body, signal);
        const location = data.headers.location;
        if (REDIRECT.has(data.statusCode) && typeof location === "string") {
          await data.body.dump();
          if (redirects === MAX_REDIRECTS)
            throw new AttemptFailure("network", "UND_ERR_REDIRECT_LIMIT", new Error("redirect count exceeded"));
          request = redirected(request, location, data.statusCode, limits.credentialHeaders);
          continue;
        }
        const bytes = await readBody(data, limits, endsAt);
        const headers = new UndiciHeaders(data.headers);
        const read = {
          status: data.statusCode,
          statusText: data.statusText,
          headers,
          bytes,
          url: request.origin + request.path,
        };
        return { ...read, toResponse: () => responseOf(read, headers.toHeaders()) };
      }
    } catch (error) {
      throw failureOf(error, limits, timer);
    } finally {
      timer?.clear();
    }
  }

  return {
    send,
    async close() {
      const open = [...pools.values()];
      pools.clear();
      await Promise.all(open.map((pool) => pool.close()));
    },
  };
}
