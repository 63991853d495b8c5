import type { paths } from "../../generated/chatwork.js";
import { operationTable } from "../../generated/chatwork.operations.js";
import { operationValidators } from "../../generated/chatwork.validators.js";
import type { Credential } from "../runtime/auth.js";
import { createProviderClient, type BizchatClient, type CommonOptions } from "../runtime/client.js";
import { definition } from "./definition.js";

export interface ChatworkClientOptions extends CommonOptions {
  /** API token, sent as `x-chatworktoken`. */
  token?: Credential;
  /** OAuth 2.0 access token (15-minute lifetime; pass a function to supply a refreshed one), sent as Bearer. */
  accessToken?: Credential;
}

export type ChatworkClient = BizchatClient<paths>;

/**
 * A typed Chatwork API v2 client. Defaults: the documented 300 requests / 5 min per token plus 10 posts / 10 s per
 * room (resynced from x-ratelimit-* headers), up to 3 attempts where a retry is safe, request validation on.
 */
export function createChatworkClient(options: ChatworkClientOptions): ChatworkClient {
  const { token, accessToken, ...common } = options;
  // An empty string is a credential left unset (`process.env.CHATWORK_API_TOKEN ?? ""`): refused like a missing one.
  if ((token === undefined || token === "") && (accessToken === undefined || accessToken === "")) {
    throw new TypeError("createChatworkClient needs `token` (API token) or `accessToken` (OAuth 2.0)");
  }
  return createProviderClient<paths>(
    {
      provider: definition.name,
      table: operationTable,
      validators: operationValidators,
      credentials: { apiToken: token, oauth2: accessToken },
      describeError: definition.describeError,
    },
    common,
  );
}
