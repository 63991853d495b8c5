// Credentials come from environment variables only (never from the command line, where `ps` and shell history
// would show them). Each provider's variables map onto the options of its create…Client and onto the security
// schemes of its spec, so the CLI can say which variable a call needs before building anything.
import type { OperationRow } from "../runtime/client.js";
import type { ClientCredentials, ProviderName } from "./providers.js";

export interface EnvVariable {
  name: string;
  description: string;
  /** Secret values are scrubbed from anything the CLI writes to stderr. */
  secret: boolean;
}

export const ENVIRONMENT: Record<ProviderName, EnvVariable[]> = {
  chatwork: [
    { name: "CHATWORK_API_TOKEN", description: "API token (x-chatworktoken)", secret: true },
    {
      name: "CHATWORK_ACCESS_TOKEN",
      description: "OAuth 2.0 access token (Bearer), instead of the API token",
      secret: true,
    },
  ],
  line: [
    {
      name: "LINE_CHANNEL_ACCESS_TOKEN",
      description: "channel access token (Bearer), every operation but attach",
      secret: true,
    },
    { name: "LINE_CHANNEL_ID", description: "module channel id, HTTP Basic user of attachModule", secret: false },
    {
      name: "LINE_CHANNEL_SECRET",
      description: "module channel secret, HTTP Basic password of attachModule",
      secret: true,
    },
  ],
  lineworks: [
    { name: "LINEWORKS_ACCESS_TOKEN", description: "API 2.0 access token (Bearer)", secret: true },
    {
      name: "LINEWORKS_CLIENT_ID",
      description: "service account auth, when no access token is set: client id",
      secret: false,
    },
    { name: "LINEWORKS_CLIENT_SECRET", description: "service account auth: client secret", secret: true },
    { name: "LINEWORKS_SERVICE_ACCOUNT", description: "service account auth: service account id", secret: false },
    {
      name: "LINEWORKS_PRIVATE_KEY",
      description: "service account auth: PKCS#8 PEM text, or @path to the PEM file",
      secret: true,
    },
    { name: "LINEWORKS_SCOPE", description: 'service account auth: scopes (default "contact")', secret: false },
  ],
  "lineworks-v1": [
    {
      name: "LINEWORKS_V1_API_ID",
      description: "API ID of the tenant ({apiId} of apis.worksmobile.com)",
      secret: false,
    },
    { name: "LINEWORKS_V1_CONSUMER_KEY", description: "consumer key (consumerKey header)", secret: true },
    { name: "LINEWORKS_V1_TOKEN", description: "server token or service access token (Bearer)", secret: true },
  ],
};

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

/** Which variables satisfy each security scheme of a provider's spec (names as in generated/<api>.operations.ts). */
const SCHEME_VARIABLES: Record<ProviderName, Record<string, string>> = {
  chatwork: { apiToken: "CHATWORK_API_TOKEN", oauth2: "CHATWORK_ACCESS_TOKEN" },
  line: { Bearer: "LINE_CHANNEL_ACCESS_TOKEN", basicAuth: "LINE_CHANNEL_ID + LINE_CHANNEL_SECRET" },
  lineworks: { oauth2: "LINEWORKS_ACCESS_TOKEN (or the LINEWORKS_CLIENT_ID … service account set)" },
  "lineworks-v1": { consumerKey: "LINEWORKS_V1_CONSUMER_KEY", bearer: "LINEWORKS_V1_TOKEN" },
};

const MOCK_SECRET = "bizchat-mock-credential";

export interface EnvCredentials {
  /** Options for the provider's create…Client. */
  credentials: ClientCredentials;
  /** Security schemes (and `apiId`) the environment supplies. */
  supplied: Set<string>;
  /** Values to scrub from error output. */
  secrets: string[];
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  // Tokens pasted from files often carry a trailing newline, which no header may contain.
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** A stand-in for a credential the call turned out not to need; it is never sent (see missingCredentials). */
const absent = (names: string) => () => {
  throw new Error(`no credentials: set ${names}`);
};

async function lineWorksAuth(env: Env, mock: boolean, supplied: Set<string>, secrets: string[]): Promise<unknown> {
  const accessToken = read(env, "LINEWORKS_ACCESS_TOKEN");
  if (accessToken) {
    supplied.add("oauth2");
    return { accessToken };
  }
  const [clientId, clientSecret, serviceAccount, privateKey] = [
    "LINEWORKS_CLIENT_ID",
    "LINEWORKS_CLIENT_SECRET",
    "LINEWORKS_SERVICE_ACCOUNT",
    "LINEWORKS_PRIVATE_KEY",
  ].map((n) => read(env, n));
  // A mock never sees a token request, so the service account set is not used against it.
  if (!mock && clientId && clientSecret && serviceAccount && privateKey) {
    const { readFile } = await import("node:fs/promises");
    // PEM text in a variable often arrives with its newlines escaped as \n.
    const pem = privateKey.startsWith("@")
      ? await readFile(privateKey.slice(1), "utf8")
      : privateKey.replace(/\\n/g, "\n");
    secrets.push(pem);
    const { serviceAccountAuth } = await import("../lineworks/auth.js");
    supplied.add("oauth2");
    return serviceAccountAuth({
      clientId,
      clientSecret,
      serviceAccount,
      privateKey: pem,
      scope: read(env, "LINEWORKS_SCOPE") ?? "contact",
    });
  }
  if (mock) {
    supplied.add("oauth2");
    return { accessToken: MOCK_SECRET };
  }
  return { getToken: absent("LINEWORKS_ACCESS_TOKEN"), invalidate: () => {} };
}

/**
 * Reads the provider's variables. With `mock`, every missing credential gets a dummy value (the mock checks that
 * credentials are present, not what they are).
 */
export async function readCredentials(
  provider: ProviderName,
  env: Env,
  options: { mock: boolean },
): Promise<EnvCredentials> {
  const { mock } = options;
  const supplied = new Set<string>();
  const secrets = ENVIRONMENT[provider]
    .filter((v) => v.secret)
    .map((v) => read(env, v.name))
    .filter((v): v is string => v !== undefined);
  const value = (name: string, scheme: string | null, dummy: string = MOCK_SECRET): string | undefined => {
    const found = read(env, name) ?? (mock ? dummy : undefined);
    if (found !== undefined && scheme) supplied.add(scheme);
    return found;
  };

  let credentials: ClientCredentials;
  switch (provider) {
    case "chatwork": {
      const accessToken = read(env, "CHATWORK_ACCESS_TOKEN");
      if (accessToken) supplied.add("oauth2");
      const token = accessToken ? read(env, "CHATWORK_API_TOKEN") : value("CHATWORK_API_TOKEN", "apiToken");
      if (token) supplied.add("apiToken");
      credentials = { token: token ?? (accessToken ? undefined : absent("CHATWORK_API_TOKEN")), accessToken };
      break;
    }
    case "line": {
      const channelAccessToken = value("LINE_CHANNEL_ACCESS_TOKEN", "Bearer");
      const channelId = value("LINE_CHANNEL_ID", null, "1234567890");
      const channelSecret = value("LINE_CHANNEL_SECRET", null);
      if (channelId !== undefined && channelSecret !== undefined) supplied.add("basicAuth");
      credentials = { channelAccessToken, channelId, channelSecret };
      break;
    }
    case "lineworks":
      credentials = { auth: await lineWorksAuth(env, mock, supplied, secrets) };
      break;
    case "lineworks-v1": {
      const apiId = value("LINEWORKS_V1_API_ID", "apiId", "bizchat-mock");
      credentials = {
        apiId: apiId ?? "",
        consumerKey: value("LINEWORKS_V1_CONSUMER_KEY", "consumerKey") ?? absent("LINEWORKS_V1_CONSUMER_KEY"),
        token: value("LINEWORKS_V1_TOKEN", "bearer") ?? absent("LINEWORKS_V1_TOKEN"),
      };
      break;
    }
  }
  return { credentials, supplied, secrets };
}

/**
 * What the environment lacks for this operation, as a sentence naming the variables, or null when nothing is
 * missing. An operation whose security list has an empty requirement (e.g. a token endpoint) needs none.
 */
export function missingCredentials(
  provider: ProviderName,
  operationId: string,
  row: OperationRow,
  supplied: Set<string>,
  hasBaseUrl: boolean,
): string | null {
  const missing: string[] = [];
  if (/\{apiId\}/.test(row.server.url) && !hasBaseUrl && !supplied.has("apiId")) missing.push("LINEWORKS_V1_API_ID");
  const { security } = row;
  if (security.length && !security.some((requirement) => requirement.every((scheme) => supplied.has(scheme)))) {
    const options = [
      ...new Set(security.map((requirement) => requirement.map((s) => SCHEME_VARIABLES[provider][s] ?? s).join(" + "))),
    ];
    missing.push(options.join(", or "));
  }
  return missing.length
    ? `${provider} ${operationId} needs credentials: set ${missing.join("; and ")} (or use --mock)`
    : null;
}
