import type { paths } from "../../generated/lineworks.js";
import { operationTable } from "../../generated/lineworks.operations.js";
import { operationValidators } from "../../generated/lineworks.validators.js";
import { createProviderClient, type BizchatClient, type CommonOptions } from "../runtime/client.js";
import { rateLimitForPlan } from "../runtime/plans.js";
import type { TokenProvider } from "./auth.js";
import { definition } from "./definition.js";

export interface LineWorksClientOptions extends CommonOptions {
  /** A fixed access token, or a provider that renews it: serviceAccountAuth(…) / refreshTokenAuth(…). */
  auth: { accessToken: string } | TokenProvider;
  /**
   * The tenant's LINE WORKS plan, which sets the documented limit: 240 requests/min per API on `standard` and
   * `advanced` (the default), 60 on `free` (https://developers.worksmobile.com/en/docs/rate-limits).
   */
  plan?: LineWorksPlan;
}

/** The plans the rate-limit page names (`x-bizchat-plans` of specs/lineworks.yaml). */
export type LineWorksPlan = keyof typeof operationTable.plans.values;

export type LineWorksClient = BizchatClient<paths>;

/** 401, or 403 with code UNAUTHORIZED (how the API reports an expired token: lineworks/works-api-code-samples). */
async function isExpiredToken(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (response.status !== 403) return false;
  try {
    return ((await response.json()) as { code?: unknown }).code === "UNAUTHORIZED";
  } catch {
    return false;
  }
}

/**
 * A typed LINE WORKS API 2.0 client (Contacts, contact tags, custom properties, the OAuth token endpoint).
 * Default limit: 240 requests per minute per operation (60 with `plan: "free"`), resynced from RateLimit-* headers
 * (reset in seconds).
 * With a token provider, a 401 or 403 UNAUTHORIZED renews the token and sends the call once more.
 */
export function createLineWorksClient(options: LineWorksClientOptions): LineWorksClient {
  const { auth, plan, ...common } = options;
  const provider = "getToken" in auth ? auth : null;
  common.rateLimit = rateLimitForPlan(operationTable, plan, common.rateLimit);
  return createProviderClient<paths>(
    {
      provider: definition.name,
      table: operationTable,
      validators: operationValidators,
      credentials: { oauth2: provider ? () => provider.getToken() : (auth as { accessToken: string }).accessToken },
      describeError: definition.describeError,
      ...(provider?.renewalReason ? { tokenRenewalReason: () => provider.renewalReason!() } : {}),
      ...(provider
        ? {
            onUnauthorized: async (response: Response) => {
              if (!(await isExpiredToken(response))) return false;
              provider.invalidate();
              return true;
            },
          }
        : {}),
    },
    common,
  );
}
