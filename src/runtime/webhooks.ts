// HMAC-SHA256 webhook signatures over the raw body, compared in constant time. Verifiers never throw on garbage:
// any malformed input is simply "not verified".
import { createHmac, timingSafeEqual } from "node:crypto";

export type RawBody = string | Uint8Array | ArrayBuffer;

export function rawBytes(body: RawBody): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
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
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(received.trim(), "utf8");
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** JSON text of a delivery, or undefined when it is not JSON. */
export function parseJson(body: RawBody): unknown {
  try {
    return JSON.parse(rawBytes(body).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** base64(HMAC-SHA256(key = UTF-8 secret, raw body)) compared with `signature`; false on any bad input. */
export function verifyUtf8KeyedSignature(rawBody: RawBody, signature: unknown, secret: unknown): boolean {
  try {
    if (typeof secret !== "string" || !secret) return false;
    return signaturesMatch(hmacSha256Base64(Buffer.from(secret, "utf8"), rawBody), signature);
  } catch {
    return false;
  }
}
