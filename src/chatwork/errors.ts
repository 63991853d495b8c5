// Chatwork answers errors as {"errors": ["…"]}; only the HTTP status tells success from failure, and an OAuth
// 401 may come with an empty body (shared/reference/chatwork.md §6).
import { describeNonJsonError, type ErrorDescription } from "../runtime/client.js";

export function describeChatworkError(body: unknown): ErrorDescription {
  if (body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)) {
    return { messages: (body as { errors: unknown[] }).errors.map(String) };
  }
  return describeNonJsonError(body);
}
