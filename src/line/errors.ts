// LINE answers errors as {"message": "…", "details": [{"message", "property"}]} (Messaging API "Error responses");
// manager.line.biz (module attach) may answer OAuth-style {"error", "error_description"} (specs/line.yaml).
import { describeNonJsonError, type ErrorDescription } from "../runtime/client.js";

export function describeLineError(body: unknown): ErrorDescription {
  if (body && typeof body === "object") {
    const b = body as { message?: unknown; details?: unknown; error?: unknown; error_description?: unknown };
    const messages: string[] = [];
    if (typeof b.message === "string") messages.push(b.message);
    if (Array.isArray(b.details)) {
      for (const d of b.details as { message?: unknown; property?: unknown }[]) {
        if (typeof d?.message === "string")
          messages.push(typeof d.property === "string" ? `${d.property}: ${d.message}` : d.message);
      }
    }
    if (typeof b.error_description === "string") messages.push(b.error_description);
    const code = typeof b.error === "string" ? b.error : undefined;
    return code ? { messages, code } : { messages };
  }
  return describeNonJsonError(body);
}
