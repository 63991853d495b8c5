// Credentials come from environment variables only (never from the command line, where `ps` and shell history
// would show them). Which variables each provider reads, and how they map onto its client's options and its spec's
// security schemes, is in the provider's definition record (src/<provider>/definition.ts); this file only asks the
// records through the generated registry.
import { PROVIDER_NAMES } from "../../generated/registry.js";
import type { OperationRow } from "../runtime/client.js";
import type {
  EnvVariable,
  Env,
  EnvironmentCredentials,
  EnvironmentOptions,
  ProviderRecord,
} from "../runtime/provider-record.js";
import { loadDefinition, type ProviderName } from "./providers.js";

export type { EnvVariable };

export const WEBHOOK_ENVIRONMENT: EnvVariable[] = [
  {
    name: "BIZCHAT_WEBHOOK_SECRET",
    description: "verify-webhook: webhook token / channel secret / bot secret, instead of --secret",
    secret: true,
  },
  {
    name: "BIZCHAT_WEBHOOK_SIGNATURE",
    description: "verify-webhook: the received signature, instead of --signature",
    secret: false,
  },
];

/** Every provider's environment variables, in registry order (for `bizchat --help`). */
export async function environmentByProvider(): Promise<[ProviderName, EnvVariable[]][]> {
  return Promise.all(
    PROVIDER_NAMES.map(async (name): Promise<[ProviderName, EnvVariable[]]> => {
      return [name, (await loadDefinition(name)).environment];
    }),
  );
}

/**
 * Reads the provider's variables. With `mock`, every missing credential gets a dummy value (the mock checks that
 * credentials are present, not what they are).
 */
export async function readCredentials(
  provider: ProviderName,
  env: Env,
  options: EnvironmentOptions,
): Promise<EnvironmentCredentials & { record: ProviderRecord }> {
  const record = await loadDefinition(provider);
  return { ...(await record.fromEnvironment(env, options)), record };
}

/**
 * The scopes the operation asks of each security scheme: those of the first requirement naming the scheme (a
 * service account asks its token for them, e.g. LINE WORKS `bot.message` for sendMessageToUser).
 */
export function scopesByScheme(row: OperationRow): Record<string, readonly string[]> {
  const scopes: Record<string, readonly string[]> = {};
  for (const requirement of row.securityScopes) {
    for (const [scheme, list] of Object.entries(requirement)) scopes[scheme] ??= list;
  }
  return scopes;
}

/**
 * What the environment lacks for this operation, as a sentence naming the variables, or null when nothing is
 * missing. An operation whose security list has an empty requirement (e.g. a token endpoint) needs none.
 */
export function missingCredentials(
  record: ProviderRecord,
  operationId: string,
  row: OperationRow,
  supplied: Set<string>,
  hasBaseUrl: boolean,
): string | null {
  const missing: string[] = [];
  for (const [, variable] of row.server.url.matchAll(/\{(\w+)\}/g)) {
    if (!hasBaseUrl && !supplied.has(variable!)) missing.push(record.serverVariables?.[variable!] ?? variable!);
  }
  const { security } = row;
  if (security.length && !security.some((requirement) => requirement.every((scheme) => supplied.has(scheme)))) {
    const options = [
      ...new Set(security.map((requirement) => requirement.map((s) => record.schemeVariables[s] ?? s).join(" + "))),
    ];
    missing.push(options.join(", or "));
  }
  return missing.length
    ? `${record.name} ${operationId} needs credentials: set ${missing.join("; and ")} (or use --mock)`
    : null;
}
