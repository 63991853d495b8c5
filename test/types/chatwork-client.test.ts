// What must and must not compile with the Chatwork client (checked by `tsc` in `npm run typecheck`); each refused
// call is also run to show the client refuses it before sending.
import { afterAll, beforeAll, describe, expectTypeOf, it } from "vitest";
import type { PathsWithMethod } from "openapi-typescript-helpers";
import type { components, paths } from "../../generated/chatwork.js";
import type { ApiError } from "../../src/index.js";
import { createChatworkClient, type ChatworkClient } from "../../src/chatwork/index.js";
import type { FaultServer } from "../support/fault-server.js";
import { expectRefused, startCountingServer } from "./refused.js";

type Schemas = components["schemas"];

let server: FaultServer;
let chatwork: ChatworkClient;
beforeAll(async () => {
  server = await startCountingServer();
  chatwork = createChatworkClient({ token: "t", baseUrl: server.url, rateLimit: false, retry: false });
});
afterAll(() => server.close());

describe("paths and methods", () => {
  it("offers exactly the spec's paths for each method (what autocomplete lists), not any string", () => {
    expectTypeOf<Parameters<ChatworkClient["GET"]>[0]>().toEqualTypeOf<PathsWithMethod<paths, "get">>();
    expectTypeOf<Parameters<ChatworkClient["POST"]>[0]>().toEqualTypeOf<PathsWithMethod<paths, "post">>();
    expectTypeOf<"/rooms" | "/me">().toMatchTypeOf<Parameters<ChatworkClient["GET"]>[0]>();
    expectTypeOf<string>().not.toMatchTypeOf<Parameters<ChatworkClient["GET"]>[0]>();
  });

  it("refuses a path the spec lacks", async () => {
    // @ts-expect-error "/room" is not a path of the spec
    await expectRefused(server, () => chatwork.GET("/room", {}));
  });

  it("refuses a method the path lacks", async () => {
    // @ts-expect-error Chatwork has no PATCH operation at all
    await expectRefused(server, () => chatwork.PATCH("/rooms"));
    // @ts-expect-error /me is GET only
    await expectRefused(server, () => chatwork.DELETE("/me"));
  });
});

describe("parameters and bodies", () => {
  it("requires the options when a path parameter is required, and not otherwise", async () => {
    // @ts-expect-error GET /rooms/{room_id} needs params.path.room_id
    await expectRefused(server, () => chatwork.GET("/rooms/{room_id}"), "required");
    expectTypeOf(chatwork.GET<"/rooms">).toBeCallableWith("/rooms");
  });

  it("refuses a wrong parameter name", async () => {
    // @ts-expect-error the path parameter is room_id
    const pathName = () => chatwork.GET("/rooms/{room_id}", { params: { path: { roomId: 1 } } });
    await expectRefused(server, pathName, "required");
    const room = { room_id: 1 };
    // @ts-expect-error the query parameter is force
    const queryName = () => chatwork.GET("/rooms/{room_id}/messages", { params: { path: room, query: { forse: 1 } } });
    await expectRefused(server, queryName, "additionalProperties");
  });

  it("refuses a wrong parameter type", async () => {
    // @ts-expect-error room_id is a number
    const pathType = () => chatwork.GET("/rooms/{room_id}", { params: { path: { room_id: "x" } } });
    await expectRefused(server, pathType, "type");
    const room = { room_id: 1 };
    // @ts-expect-error force is 0 or 1
    const queryType = () => chatwork.GET("/rooms/{room_id}/messages", { params: { path: room, query: { force: 2 } } });
    await expectRefused(server, queryType, "enum");
  });

  it("refuses a body without a required field, or with a field of the wrong type", async () => {
    // @ts-expect-error members_admin_ids is required
    const missing = () => chatwork.POST("/rooms", { body: { name: "x" } });
    await expectRefused(server, missing, "required");
    const params = { path: { room_id: 1 } };
    // @ts-expect-error self_unread is 0 or 1
    const wrongType = () => chatwork.POST("/rooms/{room_id}/messages", { params, body: { body: "", self_unread: 2 } });
    await expectRefused(server, wrongType, "enum");
  });

  it("refuses unknown keys in the options and under params", async () => {
    const path = { room_id: 1 };
    // @ts-expect-error querry is not a parameter location
    const querry = () => chatwork.GET("/rooms/{room_id}/messages", { params: { path, querry: { force: 1 } } });
    await expectRefused(server, querry, "unknownKey");
    // @ts-expect-error headres is not a call option
    await expectRefused(server, () => chatwork.GET("/me", { headres: { a: "b" } }), "unknownKey");
    // @ts-expect-error a per-call fetch is not honoured (fetch is a client option)
    await expectRefused(server, () => chatwork.GET("/me", { fetch: globalThis.fetch }), "unknownKey");
  });

  it("takes header values as strings", () => {
    // @ts-expect-error header values are strings
    const numeric = () => chatwork.GET("/me", { headers: { "x-n": 1 } });
    expectTypeOf(numeric).toBeFunction();
  });

  it("takes a File (a Blob) for a binary part, and no longer a string", () => {
    const upload = (file: Blob) =>
      chatwork.POST("/rooms/{room_id}/files", { params: { path: { room_id: 1 } }, body: { file, message: "m" } });
    expectTypeOf(upload).toBeCallableWith(new File(["%PDF"], "a.pdf", { type: "application/pdf" }));
    expectTypeOf<Schemas["UploadFileRequest"]["file"]>().toEqualTypeOf<Blob>();
    const params = { path: { room_id: 1 } };
    // @ts-expect-error a file's contents as a string is not a file
    const asText = () => chatwork.POST("/rooms/{room_id}/files", { params, body: { file: "%PDF" } });
    expectTypeOf(asText).toBeFunction();
  });
});

describe("results", () => {
  type Result<Call extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<Call>>;

  it("types data from the spec's success answer and error as the mapped ApiError", () => {
    type Me = Result<typeof chatwork.GET<"/me">>;
    expectTypeOf<Me["data"]>().toEqualTypeOf<Schemas["Me"] | undefined>();
    expectTypeOf<Me["error"]>().toEqualTypeOf<ApiError | undefined>();
    expectTypeOf<Me["response"]>().toEqualTypeOf<Response>();
    type Posted = Result<typeof chatwork.POST<"/rooms/{room_id}/messages">>;
    expectTypeOf<Posted["data"]>().toEqualTypeOf<Schemas["MessageIdResult"] | undefined>();
  });

  it("narrows: no error means data, an error means no data", () => {
    const narrow = (result: Result<typeof chatwork.GET<"/rooms">>) => {
      if (result.error) {
        expectTypeOf(result.error).toEqualTypeOf<ApiError>();
        expectTypeOf(result.data).toEqualTypeOf<undefined>();
      } else {
        expectTypeOf(result.data).toEqualTypeOf<Schemas["Room"][]>();
      }
    };
    expectTypeOf(narrow).toBeFunction();
  });

  it("follows parseAs", () => {
    type AsText = Result<typeof chatwork.GET<"/me", "text">>;
    expectTypeOf<AsText["data"]>().toEqualTypeOf<string | undefined>();
  });
});
