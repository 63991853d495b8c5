// What must and must not compile with the LINE client (checked by `tsc` in `npm run typecheck`); each refused call
// is also run to show the client refuses it before sending.
import { afterAll, beforeAll, describe, expectTypeOf, it } from "vitest";
import type { PathsWithMethod } from "openapi-typescript-helpers";
import type { components, paths } from "../../generated/line.js";
import type { ApiError } from "../../src/index.js";
import { createLineClient, type LineClient } from "../../src/line/index.js";
import type { FaultServer } from "../support/fault-server.js";
import { expectRefused, startCountingServer } from "./refused.js";

type Schemas = components["schemas"];
type Result<Call extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<Call>>;

let server: FaultServer;
let line: LineClient;
beforeAll(async () => {
  server = await startCountingServer();
  line = createLineClient({ channelAccessToken: "t", baseUrl: server.url, rateLimit: false, retry: false });
});
afterAll(() => server.close());

describe("paths and methods", () => {
  it("offers exactly the spec's paths for each method, not any string", () => {
    expectTypeOf<Parameters<LineClient["GET"]>[0]>().toEqualTypeOf<PathsWithMethod<paths, "get">>();
    expectTypeOf<Parameters<LineClient["POST"]>[0]>().toEqualTypeOf<PathsWithMethod<paths, "post">>();
    expectTypeOf<string>().not.toMatchTypeOf<Parameters<LineClient["POST"]>[0]>();
  });

  it("refuses a path the spec lacks", async () => {
    // @ts-expect-error "/v2/bot/lists" is not a path of the spec
    await expectRefused(server, () => line.GET("/v2/bot/lists", {}));
  });

  it("refuses a method the path lacks", async () => {
    // @ts-expect-error markAsRead is POST only
    await expectRefused(server, () => line.GET("/v2/bot/message/markAsRead"));
    // @ts-expect-error the LINE spec has no PUT operation
    await expectRefused(server, () => line.PUT("/v2/bot/list"));
  });
});

describe("parameters and bodies", () => {
  it("refuses a wrong parameter name", async () => {
    // @ts-expect-error the query parameter is limit
    const queryName = () => line.GET("/v2/bot/list", { params: { query: { limt: 10 } } });
    await expectRefused(server, queryName, "additionalProperties");
    const acquire = "/v2/bot/chat/{chatId}/control/acquire";
    // @ts-expect-error the path parameter is chatId
    const pathName = () => line.POST(acquire, { params: { path: { chat: "U1" } } });
    await expectRefused(server, pathName, "required");
  });

  it("refuses a wrong parameter or body field type", async () => {
    // @ts-expect-error limit is a number
    await expectRefused(server, () => line.GET("/v2/bot/list", { params: { query: { limit: "10" } } }), "type");
    const params = { path: { chatId: "U1" } };
    // @ts-expect-error ttl is a number of seconds
    const ttl = () => line.POST("/v2/bot/chat/{chatId}/control/acquire", { params, body: { ttl: "1h" } });
    await expectRefused(server, ttl, "type");
  });

  it("refuses a body without a required field", async () => {
    // @ts-expect-error chat.userId is required
    await expectRefused(server, () => line.POST("/v2/bot/message/markAsRead", { body: { chat: {} } }), "required");
    // @ts-expect-error the body is required
    await expectRefused(server, () => line.POST("/v2/bot/message/markAsRead", {}), "required");
    // @ts-expect-error productType and sendPresentMessage are required
    const mission = () => line.POST("/shop/v3/mission", { body: { to: "U1", productId: "1" } });
    await expectRefused(server, mission, "required");
  });

  it("refuses unknown keys in the options and under params", async () => {
    // @ts-expect-error querry is not a parameter location
    await expectRefused(server, () => line.GET("/v2/bot/list", { params: { querry: { limit: 1 } } }), "unknownKey");
    // @ts-expect-error middleware is not honoured per call
    await expectRefused(server, () => line.GET("/v2/bot/list", { middleware: [] }), "unknownKey");
  });

  it("takes the options as optional where nothing is required", () => {
    expectTypeOf(line.GET<"/v2/bot/list">).toBeCallableWith("/v2/bot/list");
    const acquire = () => line.POST("/v2/bot/chat/{chatId}/control/acquire", { params: { path: { chatId: "U1" } } });
    expectTypeOf(acquire).toBeFunction();
  });
});

describe("results", () => {
  it("types data from the spec's success answer and error as the mapped ApiError", () => {
    type Modules = Result<typeof line.GET<"/v2/bot/list">>;
    expectTypeOf<Modules["data"]>().toEqualTypeOf<Schemas["GetModulesResponse"] | undefined>();
    expectTypeOf<Modules["error"]>().toEqualTypeOf<ApiError | undefined>();
    const narrow = (result: Modules) => {
      if (!result.error) expectTypeOf(result.data.bots).toEqualTypeOf<Schemas["ModuleBot"][]>();
      else expectTypeOf(result.error.status).toEqualTypeOf<number>();
    };
    expectTypeOf(narrow).toBeFunction();
  });
});
