// Step 2 of a call: the plan of one operation, built once per client from its row of the generated operation table
// (method, path template, server, media type), so each call only fills it in: a URL builder compiled from the
// path template, a query serializer made once (openapi-fetch's), a header record of fixed shape and the body
// encoder for the spec's media type.
import { createQuerySerializer, defaultPathSerializer } from "openapi-fetch";
import type { OperationRow } from "./client.js";
import type { Provider, RequestLike } from "./errors.js";
import type { CallParams, ValidatedOperation } from "./request-validation.js";
import { operationBaseUrl } from "./base-url.js";
import { toFormUrlEncoded, toMultipart } from "./serializers.js";
import type { OperationValidators } from "./validate.js";
import { USER_AGENT } from "./version.js";

/** A body as a transport sends it. */
export type RequestBody = string | Uint8Array | FormData | Blob | URLSearchParams;

/** One request as sent: the transport adds credentials per attempt, and follows redirects itself. */
export interface OutgoingRequest {
  method: string;
  /** `scheme://host[:port]` */
  origin: string;
  /** Path and query, percent-encoded, starting with "/". */
  path: string;
  headers: Record<string, string>;
  body: RequestBody | null;
}

/** What errors report of the request actually sent (redacted by the error classes). */
export function sentRequest(request: OutgoingRequest): RequestLike {
  return { method: request.method, url: request.origin + request.path, headers: request.headers };
}

/** Where operations are sent: the origin and the path prefix of a base URL. */
export interface Target {
  origin: string;
  prefix: string;
}

export interface PlanContext {
  provider: Provider;
  /** The client's baseUrl option: every operation goes there (e.g. a mock). */
  baseUrl: string | undefined;
  serverVariables: Record<string, string> | undefined;
  /** Whether the transport decompresses answers itself (the Node transport): it then asks for compression. */
  acceptEncoding: boolean;
}

export interface OperationPlan extends ValidatedOperation {
  method: string;
  row: OperationRow;
  /** True when the client's baseUrl option pins every call to one host (a per-call baseUrl is then ignored). */
  clientBaseUrl: boolean;
  /** The client's baseUrl, else the spec's server with its variables; null when a server variable has no value. */
  target: Target | null;
  /** Path (with the parameters filled in) and query string, without the base URL's prefix. */
  pathAndQuery(params: CallParams | undefined): string;
  /** A new header record of fixed shape: user-agent, accept-encoding where decompressed, content-type for a body. */
  baseHeaders(): Record<string, string>;
  encodeBody(body: unknown): RequestBody;
}

const ACCEPT_ENCODING = "gzip, deflate, br";

export function targetOf(baseUrl: string): Target {
  const url = new URL(baseUrl);
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") + url.search };
}

/** The spec's server (or the client's baseUrl) with its variables filled in; null when one has no value. */
function serverTarget(row: OperationRow, context: PlanContext): Target | null {
  try {
    return targetOf(operationBaseUrl(row.server, context.baseUrl, undefined, context.serverVariables));
  } catch {
    return null;
  }
}

/** A path template split into literal parts and parameter names, joined per call without regular expressions. */
function pathBuilder(template: string): (path: Record<string, unknown> | undefined) => string {
  const parts = template.split(/\{([^{}]+)\}/);
  if (parts.length === 1) return () => template;
  return (values) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i]!;
      const value = values?.[name];
      if (value === undefined || value === null) out += `{${name}}`;
      else if (typeof value === "object") out += defaultPathSerializer(`{${name}}`, { [name]: value });
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a primitive: objects are handled above
      else out += encodeURIComponent(String(value));
      out += parts[i + 1]!;
    }
    return out;
  };
}

function bodyEncoder(
  contentType: string | undefined,
  commaSeparated: readonly string[] | undefined,
): (body: unknown) => RequestBody {
  if (contentType === "application/x-www-form-urlencoded")
    return (body) => toFormUrlEncoded(body as Record<string, unknown>, commaSeparated).toString();
  if (contentType === "multipart/form-data") return (body) => toMultipart(body as Record<string, unknown>);
  return (body) => JSON.stringify(body);
}

function headerFactory(contentType: string | null, acceptEncoding: boolean): () => Record<string, string> {
  if (acceptEncoding) {
    return contentType
      ? () => ({ "user-agent": USER_AGENT, "accept-encoding": ACCEPT_ENCODING, "content-type": contentType })
      : () => ({ "user-agent": USER_AGENT, "accept-encoding": ACCEPT_ENCODING });
  }
  return contentType
    ? () => ({ "user-agent": USER_AGENT, "content-type": contentType })
    : () => ({ "user-agent": USER_AGENT });
}

/** Builds the plan of one operation (once per client and operation). */
export function prepare(
  operationId: string,
  row: OperationRow,
  validators: OperationValidators,
  context: PlanContext,
): OperationPlan {
  const buildPath = pathBuilder(row.path);
  const serializeQuery = createQuerySerializer();
  const mediaType = row.requestBody?.contentType;
  // FormData carries its own Content-Type (with the boundary); a body-less operation sends none.
  const contentType = mediaType === "multipart/form-data" ? null : row.requestBody ? (mediaType ?? null) : null;
  return {
    operationId,
    provider: context.provider,
    requestBody: row.requestBody,
    validators,
    method: row.method,
    row,
    clientBaseUrl: context.baseUrl !== undefined,
    target: serverTarget(row, context),
    pathAndQuery(params) {
      const path = buildPath(params?.path);
      if (!params?.query) return path;
      const search = serializeQuery(params.query);
      return search ? `${path}?${search}` : path;
    },
    baseHeaders: headerFactory(contentType, context.acceptEncoding),
    encodeBody: bodyEncoder(mediaType, row.requestBody?.commaSeparated),
  };
}
