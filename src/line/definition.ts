// The LINE Messaging API options for corporate customers as the registry sees them
// (https://developers.line.biz/en/reference/partner-docs/): a channel access token, HTTP Basic with the module
// channel for attach, the `x-line-request-id` header, webhooks signed with the channel secret
// (https://developers.line.biz/en/reference/messaging-api/#signature-validation).
import { MOCK_SECRET, readVariable, secretsIn, type ProviderRecord } from "../runtime/provider-record.js";
import { describeLineError } from "./errors.js";

export const definition: ProviderRecord = {
  name: "line",
  environment: [
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
  schemeVariables: { Bearer: "LINE_CHANNEL_ACCESS_TOKEN", basicAuth: "LINE_CHANNEL_ID + LINE_CHANNEL_SECRET" },
  requestIdHeader: "x-line-request-id",
  describeError: describeLineError,
  webhook: {
    secretName: "channel secret",
    signing: "line",
    load: async () => {
      const m = await import("./webhook.js");
      return {
        verify: m.verifyLineSignature,
        sort: (body, signature, channelSecret) => m.parseLineWebhook(body, { channelSecret, signature }).events,
      };
    },
  },
  fromEnvironment(env, { mock }) {
    const supplied = new Set<string>();
    const value = (name: string, dummy: string) => readVariable(env, name) ?? (mock ? dummy : undefined);
    const channelAccessToken = value("LINE_CHANNEL_ACCESS_TOKEN", MOCK_SECRET);
    if (channelAccessToken !== undefined) supplied.add("Bearer");
    const channelId = value("LINE_CHANNEL_ID", "1234567890");
    const channelSecret = value("LINE_CHANNEL_SECRET", MOCK_SECRET);
    if (channelId !== undefined && channelSecret !== undefined) supplied.add("basicAuth");
    return Promise.resolve({
      supplied,
      secrets: secretsIn(this, env),
      createClient: async (common) =>
        (await import("./client.js")).createLineClient({ ...common, channelAccessToken, channelId, channelSecret }),
    });
  },
};
