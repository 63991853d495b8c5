// The class a test expects for a status and provider code: the provider code wins where the mapping is documented
// (LINE WORKS UNAUTHORIZED on 403 → AuthenticationError; API 1.0 081 on 400 → NotFoundError).
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "../../src/index.js";
import { errorClassForStatus } from "../../src/runtime/errors.js";
import { operationTable as v1 } from "../../generated/lineworks-v1.operations.js";

export { ApiError };

const v1Classes: Record<string, typeof ApiError> = {
  authentication: AuthenticationError,
  permission: PermissionError,
  "not-found": NotFoundError,
  "rate-limit": RateLimitError,
  server: ServerError,
  "invalid-request": ApiError,
};

export function errorClassForStatusForTest(status: number, code: string | undefined): typeof ApiError {
  const codes = v1.errorCodes as Record<string, { class: string }>;
  if (code && codes[code]) return v1Classes[codes[code].class]!;
  if (code === "UNAUTHORIZED") return AuthenticationError;
  if (code === "TOO_MANY_REQUESTS") return RateLimitError;
  return errorClassForStatus(status);
}
