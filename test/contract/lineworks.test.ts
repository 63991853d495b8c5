// Every operation of both LINE WORKS specs through the clients against real Prism processes, with the calls built
// from the specs' own examples (the documented contact and bot included): success validated strictly against the spec,
// every declared error status mapped to its class with the provider's code kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLineWorksClient, createLineWorksV1Client } from "../../src/lineworks/index.js";
import { startMockServer, type MockServer } from "../../src/testing.js";
import { operationTable as v2Table } from "../../generated/lineworks.operations.js";
import { operationTable as v1Table } from "../../generated/lineworks-v1.operations.js";
import { loadSpec } from "../support/spec-examples.js";
import { contractTransport } from "../support/contract-transport.js";
import { isBotOperation } from "../support/lineworks-bot-operations.js";
import { describeExampleOperations } from "./example-operations.js";

/** Node transport, or an injected fetch when imported by the .fetch.test.ts twin. */
const transport = contractTransport();

const suites = [
  {
    api: "lineworks",
    table: v2Table,
    count: 26,
    make: (url: string) =>
      createLineWorksClient({
        auth: { accessToken: "works-contract-token" },
        baseUrl: url,
        retry: false,
        rateLimit: false,
        ...transport,
        validate: { response: "strict" },
      }),
  },
  {
    api: "lineworks-v1",
    table: v1Table,
    count: 2,
    make: (url: string) =>
      createLineWorksV1Client({
        apiId: "kr1wwTrYrbIot",
        consumerKey: "consumer-key",
        token: "server-token",
        baseUrl: url,
        retry: false,
        rateLimit: false,
        ...transport,
        validate: { response: "strict" },
      }),
  },
] as const;

for (const suite of suites) {
  describe(suite.api, () => {
    let mock: MockServer;
    let client: ReturnType<typeof suite.make>;
    const spec = loadSpec(suite.api);
    beforeAll(async () => {
      mock = await startMockServer(suite.api);
      client = suite.make(mock.url);
    });
    afterAll(async () => {
      await client?.close();
      await mock?.close();
    });

    // The Bot API operations of the lineworks spec have their own suite (lineworks-bot.test.ts).
    const ids = Object.entries(suite.table.operations as Record<string, { path: string }>)
      .filter(([, op]) => !isBotOperation(op.path))
      .map(([id]) => id);
    it(`covers all ${suite.count} operations`, () => expect(ids).toHaveLength(suite.count));

    describeExampleOperations(spec, ids, () => client);
  });
}
