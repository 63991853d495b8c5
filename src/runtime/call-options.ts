// The keys a call may carry. The types already refuse others, but JavaScript callers, spreads and casts get past
// them: a misspelt `querry` would be dropped without a word and a per-call `fetch` silently ignored, so such a key
// is a RequestValidationError before anything is sent.
import type { ValidationIssue } from "./errors.js";

/** Everything a call's options may hold; anything else is refused. */
export const CALL_OPTION_KEYS: readonly string[] = ["params", "body", "headers", "signal", "parseAs", "baseUrl"];

/** OpenAPI's parameter locations (https://spec.openapis.org/oas/v3.1.0#parameter-locations). */
export type ParamLocation = "path" | "query" | "header" | "cookie";

function unknownKeyIssue(location: string, field: string, key: string, allowed: readonly string[]): ValidationIssue {
  const message = allowed.length
    ? `is not a known key (allowed: ${allowed.join(", ")})`
    : "is not a known key (this operation takes no parameters)";
  return { location, field, pointer: `/${key}`, rule: "unknownKey", params: { unknownKey: key, allowed }, message };
}

/**
 * The keys of a call's options, and of its `params`, that the client does not know: `params` may hold only the
 * locations the operation has parameters in (`paramLocations` from the operation table). Keys set to `undefined`
 * send nothing and pass.
 */
export function unknownCallOptionIssues(options: object, paramLocations: readonly ParamLocation[]): ValidationIssue[] {
  // for…in rather than Object.entries, and no array unless a key is wrong: this runs on every call.
  let issues: ValidationIssue[] | undefined;
  const given = options as Record<string, unknown>;
  for (const key in given) {
    if (given[key] !== undefined && !CALL_OPTION_KEYS.includes(key))
      (issues ??= []).push(unknownKeyIssue("options", key, key, CALL_OPTION_KEYS));
  }
  const params = given.params as Record<string, unknown> | null | undefined;
  if (params !== null && typeof params === "object") {
    for (const key in params) {
      if (params[key] !== undefined && !(paramLocations as readonly string[]).includes(key))
        (issues ??= []).push(unknownKeyIssue("params", `params.${key}`, key, paramLocations));
    }
  }
  return issues ?? [];
}
