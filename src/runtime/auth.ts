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

async function valueOf(credential: Credential): Promise<string> {
  return typeof credential === "function" ? credential() : credential;
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
      const value = await valueOf(credentials[name]!);
      if (scheme?.type === "apiKey" && scheme.in === "header") headers[scheme.name!] = value;
      else if (scheme?.type === "http" && scheme.scheme === "basic") headers.authorization = `Basic ${Buffer.from(value).toString("base64")}`;
      else headers.authorization = `Bearer ${value}`;
    }
    return headers;
  }
  return null;
}
