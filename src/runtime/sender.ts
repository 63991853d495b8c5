// What one attempt gives back, whichever transport sent it: the status, a header reader and the whole body, read
// inside the attempt. The caller's `Response` is built from it only when asked for.
import type { OutgoingRequest } from "./prepare.js";

export interface HeaderReader {
  get(name: string): string | null;
}

export interface Answer {
  status: number;
  statusText: string;
  headers: HeaderReader;
  /** The whole body, decompressed. */
  bytes: Uint8Array;
  /** The URL that answered (after redirects). */
  url: string;
  toResponse(): Response;
}

export interface AttemptLimits {
  /** Time limit of the attempt, body included, in ms; 0 for none. */
  timeoutMs: number;
  /** A larger answer fails the attempt with ResponseValidationError (rule `maxBytes`) instead of being buffered. */
  maxResponseBytes: number;
  /** The caller's signal and the call's deadline together; undefined when there is neither. */
  signal: AbortSignal | undefined;
  /** Names of the headers that carry credentials: dropped when a redirect leaves the origin. */
  credentialHeaders: readonly string[];
  /** Builds the typed error for an answer over maxResponseBytes. */
  tooLarge(status: number, bytes: number): Error;
}

/** Sends one attempt. Throws AttemptFailure for time-outs and network failures, the signal's reason on abort. */
export interface Sender {
  send(request: OutgoingRequest, limits: AttemptLimits): Promise<Answer>;
  /** Closes the connections it keeps. */
  close(): Promise<void>;
}

/** An attempt that got no answer: `timeout` (no answer within timeoutMs) or `network` (with the error code). */
export class AttemptFailure extends Error {
  constructor(
    readonly kind: "timeout" | "network",
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(kind === "timeout" ? "attempt timed out" : `connection failed${code ? ` (${code})` : ""}`, { cause });
  }
}

/** Statuses whose answers have no body (a Response with one cannot be built). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The caller-facing Response of an answer already read (its body served from the bytes). */
export function responseOf(answer: Omit<Answer, "toResponse">, headers: Headers): Response {
  const response = new Response(NULL_BODY.has(answer.status) ? null : (answer.bytes as Uint8Array<ArrayBuffer>), {
    status: answer.status,
    statusText: answer.statusText,
    headers,
  });
  Object.defineProperty(response, "url", { value: answer.url });
  return response;
}

/** Joins body chunks without Buffer (this file is shared with the portable transport). */
export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
