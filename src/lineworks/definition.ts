// LINE WORKS API 2.0 as the registry sees it (https://developers.worksmobile.com/en/docs/api): an access token or
// a service account that renews one, error bodies `{ code, description }`, bot callbacks signed with the bot secret
// (https://developers.worksmobile.com/en/docs/bot-callback).
import {
  MOCK_SECRET,
  absent,
  readVariable,
  secretsIn,
  type Env,
  type EnvironmentCredentials,
  type EnvironmentOptions,
  type ProviderRecord,
} from "../runtime/provider-record.js";
import { redactUrl } from "../runtime/redact.js";
import type { LineWorksClientOptions } from "./client.js";
import { describeLineWorksError } from "./errors.js";

/** What the service account asks the token for when the caller names no operation's scopes. */
const FALLBACK_SCOPE = "contact";

/**
 * The scopes of the token request: LINEWORKS_SCOPE when set, else the scopes the operation's spec asks of `oauth2`
 * (e.g. `bot.message` to send a bot message, `contact` for the contacts API). Each Bot API page lists the scopes
 * its operation accepts (https://developers.worksmobile.com/en/docs/bot-api); a token without one is refused 403.
 */
function tokenScope(env: Env, scopes: EnvironmentOptions["scopes"]): { scope: string; source: string } {
  const chosen = readVariable(env, "LINEWORKS_SCOPE");
  if (chosen) return { scope: chosen, source: "LINEWORKS_SCOPE" };
  const fromSpec = scopes?.oauth2?.join(" ");
  return fromSpec
    ? { scope: fromSpec, source: "the operation's, from the spec; LINEWORKS_SCOPE overrides" }
    : { scope: FALLBACK_SCOPE, source: "default; LINEWORKS_SCOPE overrides" };
}

/**
 * LINEWORKS_TOKEN_URL, checked: the token request carries the client secret, so it goes over https, or over http
 * only to this machine (a local test server).
 */
function tokenUrl(env: Env): string | undefined {
  const value = readVariable(env, "LINEWORKS_TOKEN_URL");
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("LINEWORKS_TOKEN_URL must be an absolute URL");
  }
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new Error(`LINEWORKS_TOKEN_URL must be https (http only to localhost), got ${redactUrl(value)}`);
  return value;
}

/** What the environment supplies, apart from the client. */
type Found = Required<Omit<EnvironmentCredentials, "createClient">>;

/**
 * The `auth` option from the environment: a fixed token, the service account set, or (for a mock) a dummy. What it
 * finds goes into `found` (the schemes supplied, the secrets to scrub, a note naming the token's scopes).
 */
async function lineWorksAuth(
  env: Env,
  { mock, scopes }: EnvironmentOptions,
  found: Found,
): Promise<LineWorksClientOptions["auth"]> {
  const { supplied, secrets } = found;
  const accessToken = readVariable(env, "LINEWORKS_ACCESS_TOKEN");
  if (accessToken) {
    supplied.add("oauth2");
    return { accessToken };
  }
  const [clientId, clientSecret, serviceAccount, privateKey] = [
    "LINEWORKS_CLIENT_ID",
    "LINEWORKS_CLIENT_SECRET",
    "LINEWORKS_SERVICE_ACCOUNT",
    "LINEWORKS_PRIVATE_KEY",
  ].map((n) => readVariable(env, n));
  // A mock never sees a token request, so the service account set is not used against it.
  if (!mock && clientId && clientSecret && serviceAccount && privateKey) {
    const { readFile } = await import("node:fs/promises");
    // PEM text in a variable often arrives with its newlines escaped as \n.
    const pem = privateKey.startsWith("@")
      ? await readFile(privateKey.slice(1), "utf8")
      : privateKey.replace(/\\n/g, "\n");
    secrets.push(pem);
    const url = tokenUrl(env);
    const { scope, source } = tokenScope(env, scopes);
    found.notes.push(`LINE WORKS service account: token scope "${scope}" (${source})`);
    const { serviceAccountAuth } = await import("./auth.js");
    supplied.add("oauth2");
    return serviceAccountAuth({
      clientId,
      clientSecret,
      serviceAccount,
      privateKey: pem,
      scope,
      ...(url ? { tokenUrl: url } : {}),
    });
  }
  if (mock) {
    supplied.add("oauth2");
    return { accessToken: MOCK_SECRET };
  }
  return { getToken: absent("LINEWORKS_ACCESS_TOKEN"), invalidate: () => {} };
}

export const definition: ProviderRecord = {
  name: "lineworks",
  environment: [
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
    {
      name: "LINEWORKS_SCOPE",
      description: "service account auth: scopes to request (default: those the operation's spec names first)",
      secret: false,
    },
    {
      name: "LINEWORKS_TOKEN_URL",
      description: "service account auth: token endpoint (default https://auth.worksmobile.com/oauth2/v2.0/token)",
      secret: false,
    },
  ],
  schemeVariables: { oauth2: "LINEWORKS_ACCESS_TOKEN (or the LINEWORKS_CLIENT_ID … service account set)" },
  describeError: describeLineWorksError,
  webhook: {
    secretName: "bot secret",
    signing: "lineworks",
    load: async () => {
      const m = await import("./webhook.js");
      return {
        verify: m.verifyLineWorksSignature,
        sort: (body, signature, botSecret) => [m.parseLineWorksWebhook(body, { botSecret, signature })],
      };
    },
  },
  async fromEnvironment(env, options) {
    const found: Found = { supplied: new Set(), secrets: secretsIn(this, env), notes: [] };
    const auth = await lineWorksAuth(env, options, found);
    return {
      ...found,
      createClient: async (common) => (await import("./client.js")).createLineWorksClient({ ...common, auth }),
    };
  },
};
