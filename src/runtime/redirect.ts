// Following a redirect as the Fetch standard's HTTP-redirect fetch does (https://fetch.spec.whatwg.org/#http-redirect-fetch),
// with one rule more: when the redirect leaves the origin, every header that carries a credential of the operation's
// security scheme is dropped, not only `authorization` (a Chatwork `x-chatworktoken` must not reach another host).
// Portable: both transports use it.
import { AttemptFailure } from "./sender.js";
import type { OutgoingRequest } from "./prepare.js";

/** The Fetch standard's redirect limit. */
export const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** An answer fetch would follow: a redirect status with a `location` to go to. */
export function isRedirect(status: number, location: unknown): location is string {
  return REDIRECT_STATUSES.has(status) && typeof location === "string";
}
/** Headers that describe a request body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/** The request that follows a redirect answer with `location`, or an AttemptFailure for a non-HTTP target. */
export function redirected(
  request: OutgoingRequest,
  location: string,
  status: number,
  credentialHeaders: readonly string[],
): OutgoingRequest {
  const next = new URL(location, request.origin + request.path);
  if (next.protocol !== "http:" && next.protocol !== "https:")
    throw new AttemptFailure("network", "UND_ERR_REDIRECT_SCHEME", new Error(`redirect to ${next.protocol}`));
  const headers = { ...request.headers };
  let { method, body } = request;
  if (
    ((status === 301 || status === 302) && method === "POST") ||
    (status === 303 && method !== "GET" && method !== "HEAD")
  ) {
    method = "GET";
    body = null;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (next.origin !== request.origin)
    for (const name of ["authorization", ...credentialHeaders]) delete headers[name.toLowerCase()];
  return { method, origin: next.origin, path: next.pathname + next.search, headers, body };
}

export function redirectLimitReached(): AttemptFailure {
  return new AttemptFailure("network", "UND_ERR_REDIRECT_LIMIT", new Error("redirect count exceeded"));
}
