// The one record each provider folder gives (src/<provider>/definition.ts): its name, the credentials it takes and
// the environment variables the CLI reads them from, how its error bodies read, its request-id header, its webhook
// verifier, and how to build its client. The generated registry loads these records lazily; the CLI and the test
// kit iterate them instead of naming providers, so adding a provider touches only its own folder.
import type { ClientEventListener, ClientEventName } from "./events.js";
import type { ProviderName } from "../../generated/registry.js";
import type { ErrorDescription } from "./client.js";
import type { CommonOptions } from "./client.js";
import type { WebhookProvider } from "./webhook-signing.js";

export interface EnvVariable {
  name: string;
  description: string;
  /** Secret values are scrubbed from anything the CLI writes to stderr. */
  secret: boolean;
}

export type Env = Record<string, string | undefined>;

/** A client seen from outside its provider: the CLI calls it through `callOperation` and closes it. */
export interface ClosableClient {
  close(): Promise<void>;
  /** The client's event stream (`bizchat call --verbose` prints it). */
  on<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void;
}

/** What the environment supplies for one provider, and a client built from it. */
export interface EnvironmentCredentials {
  /** Security schemes (and server variables) the environment supplies. */
  supplied: Set<string>;
  /** Values to scrub from error output. */
  secrets: string[];
  /** Lines for the CLI's progress output, e.g. the scopes a token will be asked for; never a secret. */
  notes?: string[];
  /** Builds the provider's client with these credentials on top of `common`. */
  createClient: (common: CommonOptions) => Promise<ClosableClient>;
}

/** Checks a signature over the raw body; never throws on garbage. */
export type WebhookVerifier = (rawBody: Uint8Array, signature: string, secret: string) => boolean;
/** The events of a signed delivery as a receiver gets them. */
export type WebhookSorter = (rawBody: Uint8Array, signature: string, secret: string) => unknown[];

export interface ProviderWebhook {
  /** What the secret is called in the provider's docs (webhook token, channel secret, bot secret). */
  secretName: string;
  /** The signature scheme `signWebhook` produces for this provider. */
  signing: WebhookProvider;
  /** Loads the verifier (and the event sorter, where the spec has webhook schemas) on demand. */
  load(): Promise<{ verify: WebhookVerifier; sort?: WebhookSorter }>;
}

export interface ProviderRecord {
  name: ProviderName;
  /** The environment variables the CLI reads this provider's credentials from. */
  environment: EnvVariable[];
  /** Which variables satisfy each security scheme of the spec (names as in generated/<api>.operations.ts). */
  schemeVariables: Record<string, string>;
  /** Which variable fills each server variable of the spec's URLs (e.g. `{apiId}`). */
  serverVariables?: Record<string, string>;
  /** The header carrying the provider's request id on every answer, if it sends one. */
  requestIdHeader?: string;
  /** Turns an error body into the messages and code of an ApiError. */
  describeError: (body: unknown, status: number) => ErrorDescription;
  webhook?: ProviderWebhook;
  /** Reads the credentials from `env`; with `mock`, a missing one gets a dummy value the mock accepts. */
  fromEnvironment(env: Env, options: EnvironmentOptions): Promise<EnvironmentCredentials>;
}

export interface EnvironmentOptions {
  mock: boolean;
  /**
   * The OAuth scopes the operation about to be called asks of each security scheme (from the first of its security
   * requirements that names the scheme). A provider that requests its own access token asks for these.
   */
  scopes?: Readonly<Record<string, readonly string[]>>;
}

/** A value the mock accepts for any credential: it checks that credentials are present, not what they are. */
export const MOCK_SECRET = "bizchat-mock-credential";

/** An environment variable's value, trimmed (tokens pasted from files often end in a newline), or undefined. */
export function readVariable(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** An environment variable's value; when it is not set and `mock` is true, `dummy` (a value the mock accepts). */
export function readOrMock(env: Env, name: string, mock: boolean, dummy: string = MOCK_SECRET): string | undefined {
  return readVariable(env, name) ?? (mock ? dummy : undefined);
}

/** A stand-in for a credential the call turned out not to need; it is never sent (see missingCredentials). */
export const absent = (names: string) => (): never => {
  throw new Error(`no credentials: set ${names}`);
};

/** The secret values among `record.environment` that `env` holds. */
export function secretsIn(record: Pick<ProviderRecord, "environment">, env: Env): string[] {
  return record.environment
    .filter((v) => v.secret)
    .map((v) => readVariable(env, v.name))
    .filter((v): v is string => v !== undefined);
}
