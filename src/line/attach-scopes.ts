// LINE names the permissions granted at attach two ways: the reference page's `scope` (a string,
// https://developers.line.biz/en/reference/partner-docs/#link-attach-by-operation-module-channel-provider) and the
// `scopes` array of LINE's own module-attach.yml (https://github.com/line/line-openapi) and SDK. The spec accepts
// both; this helper gives the caller one array, whichever arrived. A helper rather than a rewrite of the response
// inside the client: `data` stays exactly what LINE sent, and the normalisation is visible where it is used.
import type { components } from "../../generated/line.js";

export type AttachModuleResponse = components["schemas"]["AttachModuleResponse"];

/**
 * The scopes granted by the LINE Official Account admin, as an array. `scopes` wins when both are present. A `scope`
 * string is split on spaces (OAuth 2.0 scope lists, RFC 6749 §3.3) and commas: no LINE source says how it separates
 * several scopes.
 */
export function attachedScopes(response: AttachModuleResponse): string[] {
  if ("scopes" in response && Array.isArray(response.scopes)) return [...response.scopes];
  return "scope" in response && typeof response.scope === "string"
    ? response.scope.split(/[\s,]+/).filter((scope) => scope !== "")
    : [];
}
