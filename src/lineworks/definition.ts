// LINE WORKS API 2.0 as the registry sees it (https://developers.worksmobile.com/en/docs/api): an access token or
// a service account that renews one, error bodies `{ code, description }`, bot callbacks signed with the bot secret
// (https://developers.worksmobile.com/en/docs/bot-callback).
import {
  MOCK_SECRET,
  absent,
  readVariable,
  secretsIn,
  type Env,
  type ProviderRecord,
} from "../runtime/provider-record.js";
import type { LineWorksClientOptions } from "./client.js";
import { describeLineWorksError } from "./errors.js";

/** The `auth` option from the environment: a fixed token, the service account set, or (for a mock) a dummy. */
async function lineWorksAuth(
  env: Env,
  mock: boolean,
  supplied: Set<string>,
  secrets: string[],
): Promise<LineWorksClientOptions["auth"]> {
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
    const { serviceAccountAuth } = await import("./auth.js");
    supplied.add("oauth2");
    return serviceAccountAuth({
      clientId,
      clientSecret,
      serviceAccount,
      privateKey: pem,
      scope: readVariable(env, "LINEWORKS_SCOPE") ?? "contact",
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
    { name: "LINEWORKS_SCOPE", description: 'service account auth: scopes (default "contact")', secret: false },
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
  async fromEnvironment(env, { mock }) {
    const supplied = new Set<string>();
    const secrets = secretsIn(this, env);
    const auth = await lineWorksAuth(env, mock, supplied, secrets);
    return {
      supplied,
      secrets,
      createClient: async (common) => (await import("./client.js")).createLineWorksClient({ ...common, auth }),
    };
  },
};
