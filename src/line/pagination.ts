// GET /v2/bot/list returns at most `limit` bots and a `next` continuation token while more remain
// ("Get a list of bots to which the module is attached", https://developers.line.biz/en/reference/partner-docs/).
import type { components } from "../../generated/line.js";
import type { LineClient } from "./client.js";

export type ModuleBot = components["schemas"]["ModuleBot"];

/** Every bot the module is attached to, page by page, following `next` until it is absent. Errors are thrown. */
export async function* paginateModules(
  client: LineClient,
  options: { limit?: number; signal?: AbortSignal } = {},
): AsyncGenerator<ModuleBot> {
  let start: string | undefined;
  do {
    const query = {
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(start !== undefined ? { start } : {}),
    };
    const { data, error } = await client.GET("/v2/bot/list", {
      params: { query },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (error) throw error;
    yield* data.bots;
    start = data.next;
  } while (start !== undefined);
}
