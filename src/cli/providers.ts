// The API families the CLI knows — those of the generated registry — each loaded on demand: `bizchat ops` needs
// only the small operation table, a call needs the validators (about 2 MB for all providers together) and the typed
// client of one provider.
import type { ClientEventListener, ClientEventName } from "../runtime/events.js";
import type { CommonOptions, OperationRow } from "../runtime/client.js";
import type { OperationValidators } from "../runtime/validate.js";
import { isProviderName, PROVIDER_NAMES, registry, type ProviderName } from "../../generated/registry.js";
import { UsageError } from "./args.js";

export const PROVIDERS = PROVIDER_NAMES;
export type { ProviderName };

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
  if (!isProviderName(value)) {
    throw new UsageError(`${command}: unknown provider "${value}" (one of ${PROVIDERS.join(", ")})`, command);
  }
  return value;
}

export function loadTable(provider: ProviderName): Promise<CliTable> {
  return registry[provider].operations();
}

export function loadValidators(provider: ProviderName): Promise<Record<string, OperationValidators>> {
  return registry[provider].validators();
}

export type { UntypedCallOptions as CallInit } from "../runtime/operation-call.js";

/**
 * A provider client seen from the CLI, which knows the method and path template only at run time: it calls through
 * `callOperation` (the client still validates everything against the spec before sending) and closes it.
 */
export interface CliClient {
  close(): Promise<void>;
  on<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void;
}

/** Credentials already read from the environment, as the provider's create…Client takes them (credentials.ts). */
export type ClientCredentials = Record<string, unknown>;

export async function createClient(
  provider: ProviderName,
  credentials: ClientCredentials,
  common: CommonOptions,
): Promise<CliClient> {
  // The credential objects are built per provider in credentials.ts with exactly these option names.
  const options = { ...common, ...credentials } as never;
  switch (provider) {
    case "chatwork":
      return (await import("../chatwork/client.js")).createChatworkClient(options);
    case "line":
      return (await import("../line/client.js")).createLineClient(options);
    case "lineworks":
      return (await import("../lineworks/client.js")).createLineWorksClient(options);
    case "lineworks-v1":
      return (await import("../lineworks/client-v1.js")).createLineWorksV1Client(options);
  }
}
