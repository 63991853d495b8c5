// LINE WORKS bot callbacks: X-WORKS-Signature = base64(HMAC-SHA256(key = bot secret, raw body))
// (https://developers.worksmobile.com/en/docs/bot-callback). Header-name casing may change: read it case-insensitively.
import { hmacSha256Base64, signaturesMatch, type RawBody } from "../runtime/webhooks.js";

export function verifyLineWorksSignature(rawBody: RawBody, signature: unknown, botSecret: string): boolean {
  try {
    if (typeof botSecret !== "string" || !botSecret) return false;
    return signaturesMatch(hmacSha256Base64(Buffer.from(botSecret, "utf8"), rawBody), signature);
  } catch {
    return false;
  }
}
