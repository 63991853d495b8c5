// The LINE Messaging API options for corporate customers as the registry sees them
// (https://developers.line.biz/en/reference/partner-docs/): a channel access token, HTTP Basic with the module
// channel for attach, the `x-line-request-id` header, webhooks signed with the channel secret
// (https://developers.line.biz/en/reference/messaging-api/#signature-validation).
import { readOrMock, secretsIn, type ProviderRecord } from "../runtime/provider-record.js";
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
    const channelAccessToken = readOrMock(env, "LINE_CHANNEL_ACCESS_TOKEN", mock);
    if (channelAccessToken !== undefined) supplied.add("Bearer");
    const channelId = readOrMock(env, "LINE_CHANNEL_ID", mock, "1234567890");
    const channelSecret = readOrMock(env, "LINE_CHANNEL_SECRET", mock);
    if (channelId !== undefined && channelSecret !== undefined) supplied.add("basicAuth");
    return Promise.resolve({
      supplied,
      secrets: secretsIn(this, env),
      createClient: async (common) =>
        (await import("./client.js")).createLineClient({ ...common, channelAccessToken, channelId, channelSecret }),
    });
  },
};
