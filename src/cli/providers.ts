// The API families the CLI knows — those of the generated registry — each loaded on demand: `bizchat ops` needs
// only the small operation table, a call needs the validators (about 2 MB for all providers together) and the definition
// record of one provider, which builds its typed client.
import type { OperationRow } from "../runtime/client.js";
import type { ProviderRecord } from "../runtime/provider-record.js";
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

/** The provider's definition record (credentials, errors, webhook, client), loaded on demand. */
export function loadDefinition(provider: ProviderName): Promise<ProviderRecord> {
  return registry[provider].definition();
}
