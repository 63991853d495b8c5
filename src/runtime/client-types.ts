// The public types of a provider client: openapi-fetch's `Client<paths>` methods (a path the spec lacks, or a
// method the path lacks, does not compile; paths autocomplete), with the call options narrowed to what this client
// honours and `error` the mapped ApiError instance.
import type { ClientEventListener, ClientEventName } from "./events.js";
import type { Middleware } from "./middleware.js";
import type { FetchOptions, FetchResponse, ParseAs } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import type { ApiError } from "./errors.js";

/** The operation object the spec gives `Method` on `Path` (`paths["/rooms"]["get"]`). */
export type OperationAt<Paths, Path, Method extends HttpMethod> = Path extends keyof Paths
  ? Method extends keyof Paths[Path]
    ? Paths[Path][Method]
    : never
  : never;

/**
 * The options of one call: openapi-fetch's `params` and `body`, typed from the operation, plus the few request
 * options this client honours. No index signature: a misspelt key (`querry`, `headres`) or an option the client
 * would ignore (a per-call `fetch`, `middleware`, `querySerializer`) does not compile.
 */
export type CallOptions<Operation, As extends ParseAs | undefined = undefined> = Pick<
  FetchOptions<Operation>,
  "params" | "body"
> & {
  /** Extra request headers (the credentials' headers are added by the client). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send this call to another origin (e.g. an absolute upload URL a previous call returned). */
  baseUrl?: string;
  /** How to read a success body (default: from the spec's 2xx content types). */
  parseAs?: As;
};

/**
 * The options argument: required when the operation has a required parameter or body, optional otherwise (the
 * test openapi-fetch's `MaybeOptionalInit` makes, on its full `FetchOptions`, so that it waits for the path).
 */
export type CallOptionsArgument<Operation, As extends ParseAs | undefined> =
  RequiredKeysOf<FetchOptions<Operation>> extends never
    ? [options?: CallOptions<Operation, As>]
    : [options: CallOptions<Operation, As>];

/**
 * openapi-fetch's result, with `error` the ApiError subclass the client mapped the answer to. The test is whether
 * `error` is optional (the success branch): it also holds while the operation is still generic, where a test of
 * the `error` type would be settled too early.
 */
export type ResultWithApiError<Result> = Result extends unknown
  ? Record<never, never> extends Pick<Result, "error" & keyof Result>
    ? Result
    : { data?: never; error: ApiError; response: Response }
  : never;

export type CallResult<Operation, As extends ParseAs | undefined> =
  Operation extends Record<string | number, unknown>
    ? ResultWithApiError<
        FetchResponse<Operation, As extends ParseAs ? { parseAs: As } : Record<never, never>, MediaType>
      >
    : never;

/** One HTTP method of the client, e.g. `GET`: only the spec's paths that have that method. */
export type ClientCall<Paths extends object, Method extends HttpMethod> = <
  Path extends PathsWithMethod<Paths, Method>,
  As extends ParseAs | undefined = undefined,
>(
  url: Path,
  ...options: CallOptionsArgument<OperationAt<Paths, Path, Method>, As>
) => Promise<CallResult<OperationAt<Paths, Path, Method>, As>>;

/** The typed client: openapi-fetch's methods, with `error` an instance of the mapped ApiError class. */
export interface BizchatClient<Paths extends object> {
  GET: ClientCall<Paths, "get">;
  POST: ClientCall<Paths, "post">;
  PUT: ClientCall<Paths, "put">;
  PATCH: ClientCall<Paths, "patch">;
  DELETE: ClientCall<Paths, "delete">;
  /** Stops the limiter's timers and closes its Redis connections (call when the client is no longer used). */
  close(): Promise<void>;
  /** Listens to what the client does: `request`, `response`, `retry`, `rateLimitWait`, `tokenRenewal`, `error`. */
  on<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void;
  off<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void;
  /** Adds middleware in openapi-fetch's shape, run on every attempt (retries included). */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
}
