// Every Bot API 2.0 operation of the LINE WORKS spec through createLineWorksClient against a real Prism process,
// with the calls built from the spec's own examples: success validated strictly against the spec, every declared
// error status mapped to its class with the provider's code kept. Every example of the message body (one per
// content type) is sent too, so each of the 13 content types reaches the mock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLineWorksClient, type LineWorksClient } from "../../src/lineworks/index.js";
import { startMockServer, type MockServer } from "../../src/testing.js";
import { operationTable } from "../../generated/lineworks.operations.js";
import { loadSpec } from "../support/spec-examples.js";
import { callOperation } from "../../src/runtime/operation-call.js";
import { isBotOperation } from "../support/lineworks-bot-operations.js";
import { describeExampleOperations } from "./example-operations.js";

const spec = loadSpec("lineworks");
const ids = Object.entries(operationTable.operations)
  .filter(([, op]) => isBotOperation(op.path))
  .map(([id]) => id);

describe("lineworks Bot API", () => {
  let mock: MockServer;
  let client: LineWorksClient;
  beforeAll(async () => {
    mock = await startMockServer("lineworks");
    client = createLineWorksClient({
      auth: { accessToken: "works-bot-contract-token" },
      baseUrl: mock.url,
      retry: false,
      rateLimit: false,
      validate: { response: "strict" },
    });
  });
  afterAll(async () => {
    await client?.close();
    await mock?.close();
  });

  it("covers all 38 operations of the Bot API reference", () => expect(ids).toHaveLength(38));

  describeExampleOperations(spec, ids, () => client);

  type Examples = Record<string, { value: { content: { type: string } } }>;
  const sendToUser = (spec.paths as Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>)[
    "/bots/{botId}/users/{userId}/messages"
  ]!;
  const examples = (sendToUser.post.requestBody.content["application/json"] as { examples: Examples }).examples;
  it("has one message example per content type (13)", () => {
    const types = new Set(Object.values(examples).map((e) => e.value.content.type));
    expect([...types].sort()).toEqual([
      "audio",
      "button_template",
      "carousel",
      "file",
      "flex",
      "image",
      "image_carousel",
      "link",
      "list_template",
      "location",
      "sticker",
      "text",
      "video",
    ]);
  });
  it.each(Object.keys(examples))("sends the %s example to a user", async (name) => {
    const { error, response } = await callOperation(client, "POST", "/bots/{botId}/users/{userId}/messages", {
      params: { path: { botId: 2000001, userId: "userf7da-f82c-4284-13e7-030f3b4c756x" } },
      body: examples[name]!.value,
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(201);
  });
});
