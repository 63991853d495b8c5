import type { paths } from "../../generated/lineworks-v1.js";
import { operationTable } from "../../generated/lineworks-v1.operations.js";
import { operationValidators } from "../../generated/lineworks-v1.validators.js";
import type { Credential } from "../runtime/auth.js";
import { createProviderClient, type BizchatClient, type CommonOptions } from "../runtime/client.js";
import { rateLimitForPlan } from "../runtime/plans.js";
import { isEncodable } from "../runtime/serializers.js";
import { definition } from "./definition-v1.js";

export interface LineWorksV1ClientOptions extends CommonOptions {
  /** The API ID of the tenant (the `{apiId}` of https://apis.worksmobile.com/{apiId}/…). */
  apiId: string;
  /** Service API or Server API consumer key, sent as the `consumerKey` header. */
  consumerKey: Credential;
  /** Server token or service access token, sent as `Authorization: Bearer`. */
  token: Credential;
  /**
   * The tenant's plan, which sets the Message category's documented limit: 60 requests/min per API on `free` (the
   * default), 200 on the paid plans (https://developers.worksmobile.com/jp/document/3002003).
   */
  plan?: LineWorksV1Plan;
}

/** The plans the API 1.0 rate-limit table names (`x-bizchat-plans` of specs/lineworks-v1.yaml). */
export type LineWorksV1Plan = keyof typeof operationTable.plans.values;

export type LineWorksV1Client = BizchatClient<paths>;

/**
 * A typed LINE WORKS API 1.0 client (the common call rules of https://developers.worksmobile.com/jp/document/3002003,
 * registerBot v4, the service-token exchange). Every errorCode of the documented table maps to its error class with
 * `code` kept. Default limits: the per-category per-API limits of that page (Message 60/min on Free; `plan` selects
 * 200 on a paid plan) and at most 5 concurrent connections.
 */
export function createLineWorksV1Client(options: LineWorksV1ClientOptions): LineWorksV1Client {
  const { apiId, consumerKey, token, plan, ...common } = options;
  common.rateLimit = rateLimitForPlan(operationTable, plan, common.rateLimit);
  // The API ID is the first path segment of every URL (it is percent-encoded into it): "", "." or ".." would drop
  // the tenant from the route, and a lone surrogate cannot be encoded at all.
  if (typeof apiId !== "string" || /^\.{0,2}$/.test(apiId) || !isEncodable(apiId)) {
    throw new TypeError(
      'createLineWorksV1Client: `apiId` must be the tenant\'s API ID (not empty, ".", ".." or malformed Unicode)',
    );
  }
  return createProviderClient<paths>(
    {
      provider: definition.name,
      table: operationTable,
      validators: operationValidators,
      serverVariables: { apiId },
      credentials: { consumerKey, bearer: token },
      describeError: definition.describeError,
    },
    common,
  );
}
