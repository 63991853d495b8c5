import type { paths } from "../../generated/line.js";
import { operationTable } from "../../generated/line.operations.js";
import { operationValidators } from "../../generated/line.validators.js";
import type { Credential } from "../runtime/auth.js";
import { createProviderClient, type BizchatClient, type CommonOptions } from "../runtime/client.js";
import { definition } from "./definition.js";

export interface LineClientOptions extends CommonOptions {
  /** Channel access token, sent as Bearer on every Messaging API operation. */
  channelAccessToken?: Credential;
  /**
   * The module channel's id and secret: sent as HTTP Basic on the attach call (POST /module/auth/v1/token on
   * manager.line.biz). Without them, put `client_id` / `client_secret` in the attach body instead.
   */
  channelId?: string;
  channelSecret?: string;
}

export type LineClient = BizchatClient<paths>;

/**
 * A typed client for the LINE Messaging API options for corporate customers. Each operation goes to its own
 * server (api.line.me, or manager.line.biz for attach) and authenticates the way the spec says. Default limit:
 * 2,000 requests per second per endpoint. The request id is in `response.headers.get("x-line-request-id")` on
 * success and in `error.requestId` on failure.
 */
export function createLineClient(options: LineClientOptions): LineClient {
  const { channelAccessToken, channelId, channelSecret, ...common } = options;
  const basic = channelId !== undefined && channelSecret !== undefined ? `${channelId}:${channelSecret}` : undefined;
  return createProviderClient<paths>(
    {
      provider: definition.name,
      table: operationTable,
      validators: operationValidators,
      credentials: { Bearer: channelAccessToken, basicAuth: basic },
      requestIdHeader: definition.requestIdHeader,
      describeError: definition.describeError,
    },
    common,
  );
}
