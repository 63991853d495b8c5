// Applies the credentials of the security scheme an operation declares (generated operation table), so each
// call authenticates the way the spec says: an API-key header, a Bearer token or HTTP Basic.

/** A secret, or a function that returns the current one (token providers refresh behind it). */
export type Credential = string | (() => string | Promise<string>);

export interface SecurityScheme {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
}

export type Credentials = Partial<Record<string, Credential>>;

export class InvalidCredentialError extends TypeError {}

/** Characters an HTTP header value may carry (RFC 9110 §5.5 field-vchar, SP, HTAB, obs-text). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The credential's current value. One with a line break or other control character would make `Headers.set`
 * throw a TypeError that quotes the whole value: refuse it here with a message that names only the scheme.
 */
async function valueOf(name: string, credential: Credential): Promise<string> {
  const value = typeof credential === "function" ? await credential() : credential;
  if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
    throw new InvalidCredentialError(
      `the "${name}" credential is not a string of characters allowed in an HTTP header (value not shown)`,
    );
  }
  return value;
}

/** UTF-8 then base64 (RFC 7617 with charset UTF-8), without Buffer: this file runs on every runtime. */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Picks the first security requirement of the operation that the client has every credential for and returns its
 * headers. An empty requirement (`{}`) means "no auth header" and is always satisfiable.
 * Returns null when the operation needs credentials the client does not have.
 */
export async function authHeaders(
  security: readonly (readonly string[])[],
  schemes: Record<string, SecurityScheme>,
  credentials: Credentials,
): Promise<Record<string, string> | null> {
  if (!security.length) return {};
  for (const requirement of security) {
    if (!requirement.every((name) => credentials[name] !== undefined)) continue;
    const headers: Record<string, string> = {};
    for (const name of requirement) {
      const scheme = schemes[name];
      const value = await valueOf(name, credentials[name]!);
      if (scheme?.type === "apiKey" && scheme.in === "header") headers[scheme.name!] = value;
      else if (scheme?.type === "http" && scheme.scheme === "basic") headers.authorization = `Basic ${base64(value)}`;
      else headers.authorization = `Bearer ${value}`;
    }
    return headers;
  }
  return null;
}
