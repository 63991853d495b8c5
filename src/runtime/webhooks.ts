// HMAC-SHA256 webhook signatures over the raw body, compared in constant time. Verifiers never throw on garbage:
// any malformed input is simply "not verified". Bytes are plain Uint8Array (no Buffer) so the same code runs on
// Node, Bun, Deno and Cloudflare Workers (`nodejs_compat`, which provides node:crypto's createHmac and
// timingSafeEqual: https://developers.cloudflare.com/workers/runtime-apis/nodejs/crypto/).
import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookConfigurationError, type Provider } from "./errors.js";

export type RawBody = string | Uint8Array | ArrayBuffer;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

export function rawBytes(body: RawBody): Uint8Array {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Bytes of a base64 text, decoded as leniently as Node's Buffer does (URL-safe letters accepted, other characters
 * skipped, stop at `=`, a UTF-16 unit read by its low byte), so a token that worked with Buffer keeps working on
 * every runtime. Empty when nothing decodes.
 */
export function base64Bytes(text: string): Uint8Array {
  const sextets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = String.fromCharCode(text.charCodeAt(i) & 0xff);
    if (char === "=") break;
    const value = char === "-" ? 62 : char === "_" ? 63 : BASE64.indexOf(char);
    if (value >= 0) sextets.push(value);
  }
  const out = new Uint8Array(Math.floor((sextets.length * 6) / 8));
  let bits = 0;
  let buffer = 0;
  let at = 0;
  for (const sextet of sextets) {
    buffer = ((buffer << 6) | sextet) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (at < out.length) out[at++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

export function hmacSha256Base64(key: Uint8Array, body: RawBody): string {
  return createHmac("sha256", key).update(rawBytes(body)).digest("base64");
}

/**
 * Constant-time comparison of the expected base64 signature with what the request carried. A length mismatch
 * still runs a comparison of the same cost, so timing does not reveal where the inputs differ.
 */
export function signaturesMatch(expected: string, received: unknown): boolean {
  if (typeof received !== "string") return false;
  const a = encoder.encode(expected);
  const b = encoder.encode(received.trim());
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** JSON text of a delivery, or undefined when it is not JSON. */
export function parseJson(body: RawBody): unknown {
  try {
    return JSON.parse(decoder.decode(rawBytes(body)));
  } catch {
    return undefined;
  }
}

/** base64(HMAC-SHA256(key = UTF-8 secret, raw body)) compared with `signature`; false on any bad input. */
export function verifyUtf8KeyedSignature(rawBody: RawBody, signature: unknown, secret: unknown): boolean {
  try {
    if (typeof secret !== "string" || !secret) return false;
    return signaturesMatch(hmacSha256Base64(encoder.encode(secret), rawBody), signature);
  } catch {
    return false;
  }
}

export function isRawBody(body: unknown): body is RawBody {
  return typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

/**
 * Throws WebhookConfigurationError when the receiver cannot verify anything: no secret, or a body that is not the
 * raw bytes (typically an object a JSON body parser already produced, whose bytes are gone).
 */
export function assertWebhookSetup(provider: Provider, secretName: string, secret: unknown, rawBody: unknown): void {
  if (typeof secret !== "string" || !secret.trim()) {
    throw new WebhookConfigurationError(
      provider,
      "secret",
      `The ${secretName} is missing or empty: pass it (e.g. from an environment variable) to verify ${provider} webhooks`,
    );
  }
  if (!isRawBody(rawBody)) {
    const what = rawBody === null ? "null" : typeof rawBody;
    throw new WebhookConfigurationError(
      provider,
      "rawBody",
      `The webhook body is ${what === "object" ? "an already-parsed object" : `a ${what}`}, not the raw body: the ` +
        "signature covers the exact bytes received. Pass the raw body as a string, Uint8Array or ArrayBuffer — " +
        "in Express use `express.raw({ type: '*/*' })` on this route instead of `express.json()`, or " +
        "`await request.arrayBuffer()` with a web Request",
    );
  }
}
