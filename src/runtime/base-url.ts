// Which URL base one operation is sent to. Without a client-wide `baseUrl` it is the spec's server for that
// operation. With one (a proxy, an API gateway, a mock), `baseUrl` stands for the spec's root server: an operation
// whose path-level server lies below the root keeps that part of its documented URL (LINE WORKS custom properties
// are documented at https://www.worksapis.com/v1.0/contacts/custom-properties, so they go to
// `{baseUrl}/contacts/custom-properties`); an operation served by another host (LINE's attach on manager.line.biz,
// LINE WORKS' token and upload hosts) goes to `{baseUrl}` + its path.

export interface OperationServer {
  url: string;
  variables: Record<string, string | undefined>;
  /** From the operation table: "" (the root server), "/contacts" (below it), null (another host). */
  pathBelowRoot?: string | null;
}

function expandVariables(
  template: string,
  server: OperationServer,
  variables: Record<string, string> | undefined,
): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = variables?.[name] ?? server.variables[name];
    if (value === undefined) throw new Error(`server variable {${name}} has no value`);
    return encodeURIComponent(value);
  });
}

/**
 * The base URL for one call: the client-wide `baseUrl` (plus the operation's path below the root server), else a
 * per-call `baseUrl` (an absolute upload URL), else the spec's server with its variables filled in.
 */
export function operationBaseUrl(
  server: OperationServer,
  clientBaseUrl: string | undefined,
  callBaseUrl: unknown,
  variables: Record<string, string> | undefined,
): string {
  if (clientBaseUrl !== undefined) {
    const below = server.pathBelowRoot ? expandVariables(server.pathBelowRoot, server, variables) : "";
    return clientBaseUrl.replace(/\/+$/, "") + below;
  }
  if (typeof callBaseUrl === "string") return callBaseUrl;
  return expandVariables(server.url, server, variables);
}
