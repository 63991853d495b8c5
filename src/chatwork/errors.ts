// Chatwork answers errors as {"errors": ["…"]}; only the HTTP status tells success from failure, and an OAuth
// 401 may come with an empty body and the reason in WWW-Authenticate (https://developer.chatwork.com/docs/endpoints).
import { describeNonJsonError, type ErrorDescription } from "../runtime/client.js";

export function describeChatworkError(body: unknown): ErrorDescription {
  if (body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)) {
    return { messages: (body as { errors: unknown[] }).errors.map(String) };
  }
  return describeNonJsonError(body);
}
