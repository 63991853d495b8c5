// LINE WORKS error bodies. API 2.0: {code, description} (https://developers.worksmobile.com/en/docs/rate-limits);
// an expired token is 403 + code UNAUTHORIZED (LINE WORKS' official samples, https://github.com/lineworks/works-api-code-samples).
// API 1.0: {errorCode, errorMessage} with the documented code table (https://developers.worksmobile.com/jp/document/3002003),
// mapped to classes through the
// spec's x-bizchat-error-codes (generated operation table). OAuth token endpoint: {error, error_description}.
import { describeNonJsonError, type ErrorDescription } from "../runtime/client.js";
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  type ApiErrorClass,
} from "../runtime/errors.js";

const CLASS_BY_NAME: Record<string, ApiErrorClass> = {
  authentication: AuthenticationError,
  permission: PermissionError,
  "not-found": NotFoundError,
  "rate-limit": RateLimitError,
  server: ServerError,
  "invalid-request": ApiError,
};

/** API 2.0 `code` strings whose meaning is more specific than the HTTP status. */
const V2_CODE_CLASSES: Record<string, ApiErrorClass> = {
  UNAUTHORIZED: AuthenticationError,
  TOO_MANY_REQUESTS: RateLimitError,
  FORBIDDEN: PermissionError,
  PERMISSION_DENIED: PermissionError,
  NOT_FOUND: NotFoundError,
  INTERNAL_SERVER_ERROR: ServerError,
  SERVICE_UNAVAILABLE: ServerError,
};

export function describeLineWorksError(body: unknown, status: number): ErrorDescription {
  if (!body || typeof body !== "object") return describeNonJsonError(body);
  const b = body as {
    code?: unknown;
    description?: unknown;
    message?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (typeof b.error === "string") {
    // OAuth errors (invalid_grant, invalid_client, …) on 400/401 mean the credentials were refused; other statuses
    // keep their own class (a 500 server_error is a ServerError).
    const messages = typeof b.error_description === "string" ? [b.error_description] : [];
    return status === 400 || status === 401
      ? { messages, code: b.error, errorClass: AuthenticationError }
      : { messages, code: b.error };
  }
  const messages = [b.description, b.message].filter((m): m is string => typeof m === "string");
  if (typeof b.code !== "string") return { messages };
  const errorClass = V2_CODE_CLASSES[b.code];
  return errorClass ? { messages, code: b.code, errorClass } : { messages, code: b.code };
}

export function v1ErrorDescriber(codes: Record<string, { class: string; message?: string; meaning?: string }>) {
  return (body: unknown): ErrorDescription => {
    if (!body || typeof body !== "object") return describeNonJsonError(body);
    const b = body as { errorCode?: unknown; errorMessage?: unknown; code?: unknown; message?: unknown };
    if (typeof b.errorCode === "string") {
      const known = codes[b.errorCode];
      const messages = [typeof b.errorMessage === "string" ? b.errorMessage : known?.message].filter((m): m is string =>
        Boolean(m),
      );
      if (known?.meaning) messages.push(known.meaning);
      const errorClass = known ? CLASS_BY_NAME[known.class] : undefined;
      return errorClass ? { messages, code: b.errorCode, errorClass } : { messages, code: b.errorCode };
    }
    // registerBot's own {code, message} body (https://developers.worksmobile.com/jp/document/1005002/v3).
    const messages = typeof b.message === "string" ? [b.message] : [];
    const code = typeof b.code === "string" || typeof b.code === "number" ? String(b.code) : undefined;
    return code !== undefined ? { messages, code } : { messages };
  };
}
