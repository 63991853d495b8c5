// The pagination helpers finish against the mock: the list examples the mock answers with by default are last pages
// (no continuation), and the page with a cursor is there too, on request (`Prefer: example=morePages`).
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLineClient, paginateModules } from "../../src/line/index.js";
import { createLineWorksClient, paginateContacts, serviceAccountAuth } from "../../src/lineworks/index.js";
import { startMockServer, type MockServer } from "../../src/testing.js";

describe("pagination against startMockServer", () => {
  let line: MockServer;
  let lineworks: MockServer;
  beforeAll(async () => {
    line = await startMockServer("line", { startTimeoutMs: 90_000 });
    lineworks = await startMockServer("lineworks", { startTimeoutMs: 90_000 });
  }, 200_000);
  afterAll(async () => {
    await Promise.all([line?.close(), lineworks?.close()]);
  });

  it("paginateModules ends after the mock's last page", async () => {
    const client = createLineClient({ channelAccessToken: "t", baseUrl: line.url, rateLimit: false });
    const ids: string[] = [];
    for await (const bot of paginateModules(client, { limit: 2 })) ids.push(bot.userId);
    expect(ids.length).toBeGreaterThan(0);
    const more = await client.GET("/v2/bot/list", { headers: { Prefer: "example=morePages" } });
    expect(typeof more.data?.next).toBe("string");
    await client.close();
  });

  it("serviceAccountAuth with tokenUrl at the mock runs the JWT-bearer flow against it (README)", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const client = createLineWorksClient({
      baseUrl: lineworks.url,
      rateLimit: false,
      auth: serviceAccountAuth({
        clientId: "client-id",
        clientSecret: "client-secret",
        serviceAccount: "abcde.serviceaccount@example.co.jp",
        privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        scope: "contact",
        tokenUrl: `${lineworks.url}/token`,
      }),
    });
    const { data, error } = await client.GET("/contacts", {});
    expect(error).toBeUndefined();
    expect(data?.contacts.length).toBeGreaterThan(0);
    await client.close();
  });

  it("paginateContacts ends after the mock's last page", async () => {
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: lineworks.url, rateLimit: false });
    const ids: string[] = [];
    for await (const contact of paginateContacts(client)) ids.push(contact.contactId);
    expect(ids.length).toBeGreaterThan(0);
    const more = await client.GET("/contacts", { headers: { Prefer: "example=morePages" } });
    expect(typeof more.data?.responseMetaData.nextCursor).toBe("string");
    await client.close();
  });
});
