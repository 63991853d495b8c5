// The one untyped way into a provider client, for callers that know the method and path only at run time (the
// CLI calls an operation picked by its id). It reaches the same `call` as the typed methods, so every check —
// unknown keys, the spec's validators — still runs before anything is sent. Not exported from the package.
import type { ApiError } from "./errors.js";

export type UntypedCallOptions = {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

export interface UntypedResult {
  data?: unknown;
  error?: ApiError;
  response: Response;
}

type Call = (method: string, path: string, options?: UntypedCallOptions) => Promise<UntypedResult>;

const calls = new WeakMap<object, Call>();

/** Called by createProviderClient for each client it makes. */
export function registerOperationCall(client: object, call: Call): void {
  calls.set(client, call);
}

/** Calls `method path` (a path template of the spec, e.g. `/rooms/{room_id}`) on a client made by create…Client. */
export function callOperation(
  client: object,
  method: string,
  path: string,
  options?: UntypedCallOptions,
): Promise<UntypedResult> {
  const call = calls.get(client);
  if (!call) throw new TypeError("callOperation needs a client made by a create…Client function");
  return call(method, path, options);
}
