// Chatwork API v2 as the registry sees it (https://developer.chatwork.com/reference): an API token or an OAuth 2.0
// access token, error bodies `{ errors: [...] }`, webhooks signed with the webhook token
// (https://developer.chatwork.com/docs/webhook).
import { absent, readOrMock, readVariable, secretsIn, type ProviderRecord } from "../runtime/provider-record.js";
import { describeChatworkError } from "./errors.js";

export const definition: ProviderRecord = {
  name: "chatwork",
  environment: [
    { name: "CHATWORK_API_TOKEN", description: "API token (x-chatworktoken)", secret: true },
    {
      name: "CHATWORK_ACCESS_TOKEN",
      description: "OAuth 2.0 access token (Bearer), instead of the API token",
      secret: true,
    },
  ],
  schemeVariables: { apiToken: "CHATWORK_API_TOKEN", oauth2: "CHATWORK_ACCESS_TOKEN" },
  describeError: describeChatworkError,
  webhook: {
    secretName: "webhook token",
    signing: "chatwork",
    load: async () => {
      const m = await import("./webhook.js");
      return {
        verify: m.verifyChatworkSignature,
        sort: (body, signature, token) => [m.parseChatworkWebhook(body, { token, signature })],
      };
    },
  },
  fromEnvironment(env, { mock }) {
    const supplied = new Set<string>();
    const accessToken = readVariable(env, "CHATWORK_ACCESS_TOKEN");
    if (accessToken) supplied.add("oauth2");
    const token = readOrMock(env, "CHATWORK_API_TOKEN", mock && !accessToken);
    if (token) supplied.add("apiToken");
    return Promise.resolve({
      supplied,
      secrets: secretsIn(this, env),
      createClient: async (common) =>
        (await import("./client.js")).createChatworkClient({
          ...common,
          token: token ?? (accessToken ? undefined : absent("CHATWORK_API_TOKEN")),
          accessToken,
        }),
    });
  },
};
