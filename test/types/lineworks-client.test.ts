// What must and must not compile with the LINE WORKS clients, API 2.0 and API 1.0 (checked by `tsc` in
// `npm run typecheck`); each refused call is also run to show the client refuses it before sending.
import { afterAll, beforeAll, describe, expectTypeOf, it } from "vitest";
import type { PathsWithMethod, Readable } from "openapi-typescript-helpers";
import type { components, paths } from "../../generated/lineworks.js";
import type { components as V1Components, paths as V1Paths } from "../../generated/lineworks-v1.js";
import type { ApiError } from "../../src/index.js";
import {
  createLineWorksClient,
  createLineWorksV1Client,
  type LineWorksClient,
  type LineWorksV1Client,
} from "../../src/lineworks/index.js";
import type { FaultServer } from "../support/fault-server.js";
import { expectRefused, startCountingServer } from "./refused.js";

type Schemas = components["schemas"];
type Result<Call extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<Call>>;

let server: FaultServer;
let works: LineWorksClient;
let v1: LineWorksV1Client;
beforeAll(async () => {
  server = await startCountingServer();
  const common = { baseUrl: server.url, rateLimit: false, retry: false } as const;
  works = createLineWorksClient({ auth: { accessToken: "t" }, ...common });
  v1 = createLineWorksV1Client({ apiId: "a", consumerKey: "k", token: "t", ...common });
});
afterAll(() => server.close());

describe("API 2.0: paths and methods", () => {
  it("offers exactly the spec's paths for each method, not any string", () => {
    expectTypeOf<Parameters<LineWorksClient["GET"]>[0]>().toEqualTypeOf<PathsWithMethod<paths, "get">>();
    expectTypeOf<Parameters<LineWorksClient["PATCH"]>[0]>().toEqualTypeOf<PathsWithMethod<paths, "patch">>();
    expectTypeOf<string>().not.toMatchTypeOf<Parameters<LineWorksClient["GET"]>[0]>();
  });

  it("refuses a path the spec lacks", async () => {
    // @ts-expect-error "/contact" is not a path of the spec
    await expectRefused(server, () => works.GET("/contact", {}));
  });

  it("refuses a method the path lacks", async () => {
    // @ts-expect-error /contacts has no PATCH (a contact does: /contacts/{contactId})
    await expectRefused(server, () => works.PATCH("/contacts", { body: {} }));
  });
});

describe("API 2.0: parameters and bodies", () => {
  it("refuses a wrong parameter name or type", async () => {
    // @ts-expect-error the query parameter is count
    const queryName = () => works.GET("/contacts", { params: { query: { size: 10 } } });
    await expectRefused(server, queryName, "additionalProperties");
    // @ts-expect-error count is a number
    await expectRefused(server, () => works.GET("/contacts", { params: { query: { count: "10" } } }), "type");
  });

  it("refuses a body without a required field", async () => {
    const contactName = { lastName: "山田" };
    // @ts-expect-error permission is required
    await expectRefused(server, () => works.POST("/contacts", { body: { contactName, emails: [] } }), "required");
  });

  it("refuses unknown keys in the options and under params", async () => {
    // @ts-expect-error querry is not a parameter location
    await expectRefused(server, () => works.GET("/contacts", { params: { querry: { count: 1 } } }), "unknownKey");
    // @ts-expect-error headres is not a call option
    await expectRefused(server, () => works.GET("/contacts", { headres: {} }), "unknownKey");
  });

  it("takes a File (a Blob) for the photo upload, and no longer a string", () => {
    const params = { path: { uploadId: "u1" } };
    const upload = (file: File) => works.POST("/k/contact/photo/{uploadId}", { params, body: { Filedata: file } });
    expectTypeOf(upload).toBeCallableWith(new File([new Uint8Array([0x89, 0x50])], "hanako.png"));
    expectTypeOf<Schemas["ContactPhotoFileUpload"]["Filedata"]>().toEqualTypeOf<Blob>();
    // @ts-expect-error a file's contents as a string is not a file
    const asText = () => works.POST("/k/contact/photo/{uploadId}", { params, body: { Filedata: "\x89PNG" } });
    expectTypeOf(asText).toBeFunction();
  });
});

describe("API 2.0: results", () => {
  it("types data from the spec's success answer and error as the mapped ApiError", () => {
    type Contacts = Result<typeof works.GET<"/contacts">>;
    // Readable: openapi-fetch's view of an answer (readOnly fields kept, writeOnly ones dropped).
    expectTypeOf<Contacts["data"]>().toEqualTypeOf<Readable<Schemas["ContactList"]> | undefined>();
    expectTypeOf<Contacts["error"]>().toEqualTypeOf<ApiError | undefined>();
  });
});

describe("API 1.0", () => {
  it("offers only its own paths", () => {
    expectTypeOf<Parameters<LineWorksV1Client["POST"]>[0]>().toEqualTypeOf<PathsWithMethod<V1Paths, "post">>();
    // @ts-expect-error an API 2.0 path is not an API 1.0 path
    const v2Path = () => v1.POST("/contacts", { body: {} });
    expectTypeOf(v2Path).toBeFunction();
  });

  it("refuses a method the path lacks, a missing body field and an unknown key", async () => {
    // @ts-expect-error registerBot is POST only
    await expectRefused(server, () => v1.GET("/message/registerBot/v4"));
    const bot = { name: "n", photoUrl: "https://a/b.png", description: "d" };
    // @ts-expect-error managerList is required
    await expectRefused(server, () => v1.POST("/message/registerBot/v4", { body: { ...bot } }), "required");
    const body = { name: "n", photoUrl: "https://a/b.png", description: "d", managerList: ["m@example.com"] };
    // @ts-expect-error bodySerializer is not honoured per call
    const serializer = () => v1.POST("/message/registerBot/v4", { body, bodySerializer: String });
    await expectRefused(server, serializer, "unknownKey");
  });

  it("types data and error", () => {
    type Registered = Result<typeof v1.POST<"/message/registerBot/v4">>;
    expectTypeOf<Registered["data"]>().toEqualTypeOf<V1Components["schemas"]["RegisterBotResponse"] | undefined>();
    expectTypeOf<Registered["error"]>().toEqualTypeOf<ApiError | undefined>();
  });
});
