// Every LINE corporate-option operation through the typed client against a real Prism process serving
// specs/line.yaml: success examples validated strictly against the spec, each declared error mapped to its class,
// the request id exposed on success and error, and attach authenticated with Basic or with body credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "../../src/index.js";
import { createLineClient, type LineClient } from "../../src/line/index.js";
import { mockPrefer, startMockServer, type MockServer } from "../../src/testing.js";
import { operationTable, type OperationId } from "../../generated/line.operations.js";
import { contractTransport } from "../support/contract-transport.js";

/** Node transport, or an injected fetch when imported by the .fetch.test.ts twin. */
const transport = contractTransport();

let mock: MockServer;
let client: LineClient;

beforeAll(async () => {
  mock = await startMockServer("line");
  client = createLineClient({
    channelAccessToken: "line-contract-token",
    channelId: "1653926534",
    channelSecret: "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b",
    baseUrl: mock.url,
    validate: { response: "strict" },
    retry: false,
    rateLimit: false,
    ...transport,
  });
});
afterAll(async () => {
  await client?.close();
  await mock?.close();
});

type Call = (headers?: Record<string, string>) => Promise<{ data?: unknown; error?: ApiError; response: Response }>;
const chat = { path: { chatId: "U2714aa3b2407b75341f3f170fc4151b9" } };
const attachBody = {
  grant_type: "authorization_code",
  code: "a1b2c3d4e5f6",
  redirect_uri: "https://example.co.jp/line/callback",
} as const;

const cases: Record<OperationId, Call> = {
  missionStickerV3: (headers) =>
    client.POST("/shop/v3/mission", {
      body: {
        to: "U2714aa3b2407b75341f3f170fc4151b9",
        productId: "28712",
        productType: "STICKER",
        sendPresentMessage: false,
      },
      headers,
    }),
  markMessagesAsRead: (headers) =>
    client.POST("/v2/bot/message/markAsRead", {
      body: { chat: { userId: "U2714aa3b2407b75341f3f170fc4151b9" } },
      headers,
    }),
  attachModule: (headers) => client.POST("/module/auth/v1/token", { body: attachBody, headers }),
  detachModule: (headers) =>
    client.POST("/v2/bot/channel/detach", { body: { botId: "U6fe1bab7b1f4f7ccf16614560dceafdc" }, headers }),
  acquireChatControl: (headers) =>
    client.POST("/v2/bot/chat/{chatId}/control/acquire", {
      params: chat,
      body: { expired: false, ttl: 3600 },
      headers,
    }),
  releaseChatControl: (headers) => client.POST("/v2/bot/chat/{chatId}/control/release", { params: chat, headers }),
  getModules: (headers) => client.GET("/v2/bot/list", { params: { query: { limit: 2 } }, headers }),
};

const ids = Object.keys(operationTable.operations) as OperationId[];

it("covers all 7 operations of the spec", () => {
  expect(ids).toHaveLength(7);
  expect(Object.keys(cases).sort()).toEqual([...ids].sort());
});

describe.each(ids)("%s", (id) => {
  const op = operationTable.operations[id];
  it("succeeds with the spec's 200 example", async () => {
    const { data, error, response } = await cases[id]();
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toBeDefined();
    if (id !== "attachModule") expect(response.headers.get("x-line-request-id")).toBeTruthy();
  });

  const errorClasses = {
    "400": ApiError,
    "401": AuthenticationError,
    "403": PermissionError,
    "404": NotFoundError,
    "423": ApiError,
    "429": RateLimitError,
    "500": ServerError,
  } as const;
  for (const status of (op.responses as readonly string[]).filter(
    (s): s is keyof typeof errorClasses => s in errorClasses,
  )) {
    it(`maps the spec's ${status} example to ${errorClasses[status].name}`, async () => {
      const { data, error } = await cases[id](mockPrefer({ code: Number(status) }));
      expect(data).toBeUndefined();
      expect(error).toBeInstanceOf(errorClasses[status]);
      expect(error!.status).toBe(Number(status));
      expect(error!.messages.length).toBeGreaterThan(0);
      if (id !== "attachModule") expect(error!.requestId).toBeTruthy();
    });
  }
});

it("returns the documented attach response with scopes[]", async () => {
  const { data } = await client.POST("/module/auth/v1/token", { body: attachBody });
  expect(typeof data!.bot_id).toBe("string");
  expect(Array.isArray(data!.scopes)).toBe(true);
});

it("attaches with credentials in the body and no Basic header", async () => {
  const bodyOnly = createLineClient({
    baseUrl: mock.url,
    retry: false,
    rateLimit: false,
    ...transport,
    validate: { response: "strict" },
  });
  const { data, error } = await bodyOnly.POST("/module/auth/v1/token", {
    body: { ...attachBody, client_id: "1653926534", client_secret: "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b" },
  });
  expect(error).toBeUndefined();
  expect(data!.scopes.length).toBeGreaterThan(0);
  await bodyOnly.close();
});

it("names the missing credentials instead of sending a Bearer call without a token", async () => {
  const noToken = createLineClient({ baseUrl: mock.url, rateLimit: false, ...transport });
  await expect(noToken.GET("/v2/bot/list")).rejects.toThrow(/no credentials.*Bearer/);
  await noToken.close();
});
