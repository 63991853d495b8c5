// GET /contacts pages with `cursor` / `responseMetaData.nextCursor`; the cursor must be URL-encoded when sent
// back (https://developers.worksmobile.com/jp/docs/contact-list), which the query serializer does.
import type { components, paths } from "../../generated/lineworks.js";
import type { LineWorksClient } from "./client.js";

export type Contact = components["schemas"]["Contact"];
export type ContactListQuery = Omit<NonNullable<paths["/contacts"]["get"]["parameters"]["query"]>, "cursor">;

/** Every contact matching `query`, page by page, following nextCursor until it is absent. Errors are thrown. */
export async function* paginateContacts(
  client: LineWorksClient,
  query: ContactListQuery = {},
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<Contact> {
  let cursor: string | undefined;
  do {
    const { data, error } = await client.GET("/contacts", {
      params: { query: { ...query, ...(cursor ? { cursor } : {}) } },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (error) throw error;
    yield* data.contacts as Contact[];
    cursor = data.responseMetaData?.nextCursor ?? undefined;
  } while (cursor);
}
