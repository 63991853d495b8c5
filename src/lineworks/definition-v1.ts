// LINE WORKS API 1.0 as the registry sees it (https://developers.worksmobile.com/jp/document/3002003): the tenant's
// API ID in every URL, a consumer key plus a server or service token, error bodies `{ errorCode, errorMessage }`
// mapped through the documented code table. Its bot callbacks are signed like API 2.0's, with the bot secret; they
// have no schema in the spec, so the signature only is checked.
import { operationTable } from "../../generated/lineworks-v1.operations.js";
import { absent, readOrMock, secretsIn, type ProviderRecord } from "../runtime/provider-record.js";
import { v1ErrorDescriber } from "./errors.js";

export const definition: ProviderRecord = {
  name: "lineworks-v1",
  environment: [
    {
      name: "LINEWORKS_V1_API_ID",
      description: "API ID of the tenant ({apiId} of apis.worksmobile.com)",
      secret: false,
    },
    { name: "LINEWORKS_V1_CONSUMER_KEY", description: "consumer key (consumerKey header)", secret: true },
    { name: "LINEWORKS_V1_TOKEN", description: "server token or service access token (Bearer)", secret: true },
  ],
  schemeVariables: { consumerKey: "LINEWORKS_V1_CONSUMER_KEY", bearer: "LINEWORKS_V1_TOKEN" },
  serverVariables: { apiId: "LINEWORKS_V1_API_ID" },
  describeError: v1ErrorDescriber(operationTable.errorCodes),
  webhook: {
    secretName: "bot secret",
    signing: "lineworks",
    load: async () => ({ verify: (await import("./webhook.js")).verifyLineWorksSignature }),
  },
  fromEnvironment(env, { mock }) {
    const supplied = new Set<string>();
    const value = (name: string, scheme: string, dummy?: string) => {
      const found = readOrMock(env, name, mock, dummy);
      if (found !== undefined) supplied.add(scheme);
      return found;
    };
    const apiId = value("LINEWORKS_V1_API_ID", "apiId", "bizchat-mock") ?? "";
    const consumerKey = value("LINEWORKS_V1_CONSUMER_KEY", "consumerKey") ?? absent("LINEWORKS_V1_CONSUMER_KEY");
    const token = value("LINEWORKS_V1_TOKEN", "bearer") ?? absent("LINEWORKS_V1_TOKEN");
    return Promise.resolve({
      supplied,
      secrets: secretsIn(this, env),
      createClient: async (common) =>
        (await import("./client-v1.js")).createLineWorksV1Client({ ...common, apiId, consumerKey, token }),
    });
  },
};
