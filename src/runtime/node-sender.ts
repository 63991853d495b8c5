// The Node transport: each attempt goes through an undici Pool of this client (one per origin, never the global
// dispatcher) with `dispatcher.dispatch` (answer-collector.ts), time-outs as undici's headersTimeout/bodyTimeout, the
// body read whole inside the attempt. It does what fetch would otherwise do for us: follow redirects, ask for
// compression and decompress, send a user-agent. Loaded with import() the first time a Node client sends, so entry
// points load on every runtime.
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions } from "node:zlib";
import { Pool } from "undici";
import { exchange, type RawAnswer, type RawHeaders } from "./answer-collector.js";
import { abortAfter, bothSignals, type AbortTimer } from "./timers.js";
import { BizchatError } from "./errors.js";
import type { OutgoingRequest, RequestBody } from "./prepare.js";
import { MAX_REDIRECTS, isRedirect, redirected, redirectLimitReached } from "./redirect.js";
import {
  AttemptFailure,
  responseOf,
  type Answer,
  type AttemptLimits,
  type HeaderReader,
  type Sender,
} from "./sender.js";

type Decompress = (input: InputType, options: ZlibOptions) => Promise<Buffer>;

const DECOMPRESS: Record<string, Decompress> = {
  gzip: promisify(gunzip),
  "x-gzip": promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
/**
 * undici's headersTimeout/bodyTimeout run on timers that tick about every 0.5 s, so they fire up to ~1 s late: fine
 * for the 30 s default, too coarse for a limit of a few seconds. Shorter limits get a precise timer per attempt.
 */
const PRECISE_BELOW_MS = 5_000;

const attemptTimedOut = () => new AttemptFailure("timeout", undefined, undefined);

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
function isPlainBody(body: RequestBody | null): body is string | Uint8Array | null {
  return body === null || typeof body === "string" || body instanceof Uint8Array;
}

async function encoded(body: FormData | Blob | URLSearchParams, headers: Record<string, string>): Promise<Uint8Array> {
  const response = new Response(body);
  const type = response.headers.get("content-type");
  if (type && !headers["content-type"]) headers["content-type"] = type;
  return new Uint8Array(await response.arrayBuffer());
}

/** The decompressor for a content-encoding fetch would undo, if the answer has one. */
function decompressorOf(answer: RawAnswer): Decompress | undefined {
  const encoding = answer.headers["content-encoding"];
  if (typeof encoding !== "string" || answer.bytes.byteLength === 0) return undefined;
  return DECOMPRESS[encoding.trim().toLowerCase()];
}

/** Decompresses a body, refusing more than maxResponseBytes. */
async function decompressed(answer: RawAnswer, decompress: Decompress, limits: AttemptLimits): Promise<Uint8Array> {
  const max = limits.maxResponseBytes;
  try {
    return await decompress(answer.bytes, { maxOutputLength: max });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw limits.tooLarge(answer.status, max + 1);
    throw error;
  }
}

/** The attempt's answer, its body decompressed; `toResponse` builds the caller's Response only when asked. */
function answerOf(raw: RawAnswer, bytes: Uint8Array, url: string): Answer {
  const headers = new UndiciHeaders(raw.headers);
  const answer: Answer = {
    status: raw.status,
    statusText: raw.statusText,
    headers,
    bytes,
    url,
    toResponse: () => responseOf(answer, headers.toHeaders()),
  };
  return answer;
}

function failureOf(error: unknown, limits: AttemptLimits, timer: AbortTimer | undefined): unknown {
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

  async function send(first: OutgoingRequest, limits: AttemptLimits): Promise<Answer> {
    let request = first;
    const endsAt = limits.timeoutMs ? Date.now() + limits.timeoutMs : 0;
    const timer =
      limits.timeoutMs && limits.timeoutMs < PRECISE_BELOW_MS
        ? abortAfter(limits.timeoutMs, attemptTimedOut)
        : undefined;
    const signal = bothSignals(limits.signal, timer?.signal);
    const options = { limits, endsAt };
    try {
      for (let redirects = 0; ; redirects++) {
        const body = isPlainBody(request.body) ? request.body : await encoded(request.body, request.headers);
        const dispatch = {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body,
          headersTimeout: limits.timeoutMs,
          bodyTimeout: limits.timeoutMs,
        };
        const raw = await exchange(poolFor(request.origin), dispatch, options, signal);
        const location = raw.headers.location;
        if (isRedirect(raw.status, location)) {
          if (redirects === MAX_REDIRECTS) throw redirectLimitReached();
          request = redirected(request, location, raw.status, limits.credentialHeaders);
          continue;
        }
        const decompress = decompressorOf(raw);
        const bytes = decompress ? await decompressed(raw, decompress, limits) : raw.bytes;
        return answerOf(raw, bytes, request.origin + request.path);
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
