// A provider whose documented limits depend on the customer's plan (LINE WORKS: 240 requests/min per API on
// Standard/Advanced, 60 on Free, https://developers.worksmobile.com/en/docs/rate-limits) states them in its spec:
// `x-bizchat-plans` names the plans, and each rate-limit class carries the values that differ per plan. The
// client's `plan` option picks those values here, so every operation of a class (those added later included)
// gets its plan's limit without a number in src/.
import type { RateLimitOptions } from "./limiter.js";
import type { RateLimitClass } from "./quota.js";

type PlanValues = Partial<Pick<RateLimitClass, "limit" | "intervalMs" | "maxConcurrent">>;

export interface PlannedRateLimitClass extends RateLimitClass {
  plans?: Record<string, PlanValues>;
}

export interface PlanTable {
  rateLimits: Record<string, PlannedRateLimitClass>;
  plans: { default: string; values: Record<string, string> } | null;
}

/**
 * The caller's `rateLimit` option with the plan's values under its own: a class the caller configures keeps the
 * caller's fields. Without a plan (or with limiting off) the option is returned as given: the spec's defaults apply.
 */
export function rateLimitForPlan(
  table: PlanTable,
  plan: string | undefined,
  rateLimit: false | RateLimitOptions | undefined,
): false | RateLimitOptions | undefined {
  if (plan === undefined || rateLimit === false) return rateLimit;
  if (!table.plans || !Object.hasOwn(table.plans.values, plan)) {
    const known = Object.keys(table.plans?.values ?? {}).join(", ");
    throw new TypeError(`unknown plan "${plan}" (documented plans: ${known || "none"})`);
  }
  const classes: Record<string, Partial<RateLimitClass>> = {};
  for (const [name, spec] of Object.entries(table.rateLimits)) {
    const planned = spec.plans?.[plan];
    const own = rateLimit?.classes?.[name];
    if (planned || own) classes[name] = { ...planned, ...own };
  }
  return { ...rateLimit, classes };
}
