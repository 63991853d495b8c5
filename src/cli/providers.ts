// The four API families the CLI knows, each loaded on demand: `bizchat ops` needs only the small operation table,
// a call needs the validators (about 2 MB for all providers together) and the typed client of one provider.
import type { ApiError } from "../runtime/errors.js";
import type { ClientEventListener, ClientEventName } from "../runtime/events.js";
import type { CommonOptions, OperationRow } from "../runtime/client.js";
import type { OperationValidators } from "../runtime/validate.js";
import { UsageError } from "./args.js";

export const PROVIDERS = ["chatwork", "line", "lineworks", "lineworks-v1"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** An operation row of generated/<api>.operations.ts, with the descriptive fields the CLI lists. */
export interface CliOperation extends OperationRow {
  deprecated: boolean;
  summary?: string;
  responses: readonly string[];
}

export interface CliTable {
  title: string;
  operations: Record<string, CliOperation>;
}

export function parseProvider(value: string | undefined, command: string): ProviderName {
  if (value === undefined)
    throw new UsageError(`${command}: missing <provider> (one of ${PROVIDERS.join(", ")})`, command);
  if (!(PROVIDERS as readonly string[]).includes(value)) {
    throw new UsageError(`${command}: unknown provider "${value}" (one of ${PROVIDERS.join(", ")})`, command);
  }
  return value as ProviderName;
}

export async function loadTable(provider: ProviderName): Promise<CliTable> {
  const module =
    provider === "chatwork"
      ? await import("../../generated/chatwork.operations.js")
      : provider === "line"
        ? await import("../../generated/line.operations.js")
        : provider === "lineworks"
          ? await import("../../generated/lineworks.operations.js")
          : await import("../../generated/lineworks-v1.operations.js");
  return module.operationTable;
}

export async function loadValidators(provider: ProviderName): Promise<Record<string, OperationValidators>> {
  const module =
    provider === "chatwork"
      ? await import("../../generated/chatwork.validators.js")
      : provider === "line"
        ? await import("../../generated/line.validators.js")
        : provider === "lineworks"
          ? await import("../../generated/lineworks.validators.js")
          : await import("../../generated/lineworks-v1.validators.js");
  return module.operationValidators;
}

export interface CallInit {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
}

export type CallResult = { data?: unknown; error?: ApiError; response: Response };

/**
 * The typed clients seen through the operation table: the CLI knows the method and path template only at run
 * time, so it calls `client[METHOD](path, init)` without the compile-time path types (the client still validates
 * everything against the spec before sending).
 */
export interface UntypedClient {
  GET(path: string, init?: CallInit): Promise<CallResult>;
  POST(path: string, init?: CallInit): Promise<CallResult>;
  PUT(path: string, init?: CallInit): Promise<CallResult>;
  PATCH(path: string, init?: CallInit): Promise<CallResult>;
  DELETE(path: string, init?: CallInit): Promise<CallResult>;
  close(): void;
  on<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void;
}

export type HttpMethodName = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Credentials already read from the environment, as the provider's create…Client takes them (credentials.ts). */
export type ClientCredentials = Record<string, unknown>;

export async function createClient(
  provider: ProviderName,
  credentials: ClientCredentials,
  common: CommonOptions,
): Promise<UntypedClient> {
  // The credential objects are built per provider in credentials.ts with exactly these option names.
  const options = { ...common, ...credentials } as never;
  switch (provider) {
    case "chatwork":
      return (await import("../chatwork/client.js")).createChatworkClient(options) as unknown as UntypedClient;
    case "line":
      return (await import("../line/client.js")).createLineClient(options) as unknown as UntypedClient;
    case "lineworks":
      return (await import("../lineworks/client.js")).createLineWorksClient(options) as unknown as UntypedClient;
    case "lineworks-v1":
      return (await import("../lineworks/client-v1.js")).createLineWorksV1Client(options) as unknown as UntypedClient;
  }
}
