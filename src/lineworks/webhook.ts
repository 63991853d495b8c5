// LINE WORKS bot callbacks: X-WORKS-Signature = base64(HMAC-SHA256(key = bot secret, raw body))
// (https://developers.worksmobile.com/en/docs/bot-callback). Header-name casing may change: read it case-insensitively.
import { verifyUtf8KeyedSignature, type RawBody } from "../runtime/webhooks.js";

export function verifyLineWorksSignature(rawBody: RawBody, signature: unknown, botSecret: string): boolean {
  return verifyUtf8KeyedSignature(rawBody, signature, botSecret);
}
