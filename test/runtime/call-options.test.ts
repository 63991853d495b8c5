// Unknown keys in a call's options or under `params` (a misspelt `querry`, a per-call `fetch` the client ignores)
// are refused before anything is sent: the local server's request counter stays at zero. Each such call also has
// a @ts-expect-error: the types refuse it first, the run-time check covers JavaScript callers and casts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RequestValidationError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { callOperation } from "../../src/runtime/operation-call.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer((req, res) => json(res, 200, req.url.startsWith("/me") ? {} : []));
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
});

const chatwork = () => createChatworkClient({ token: "t", baseUrl: server.url, rateLimit: false, retry: false });

async function refused(call: Promise<unknown>): Promise<RequestValidationError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestValidationError);
  expect(server.count()).toBe(0);
  return error as RequestValidationError;
}

describe("unknown keys under params", () => {
  it("names a misspelt location and the ones the operation has", async () => {
    const error = await refused(
      // @ts-expect-error querry is not a parameter location
      chatwork().GET("/rooms/{room_id}/messages", { params: { path: { room_id: 1 }, querry: { force: 1 } } }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ location: "params", field: "params.querry", pointer: "/querry", rule: "unknownKey" }),
    ]);
    expect(error.issues[0]!.message).toBe("is not a known key (allowed: path, query)");
    expect(error.message).toContain("params.querry");
  });

  it("refuses a location the operation has no parameters in", async () => {
    // @ts-expect-error GET /me takes no query parameters
    const error = await refused(chatwork().GET("/me", { params: { query: { a: 1 } } }));
    expect(error.issues).toEqual([expect.objectContaining({ field: "params.query", rule: "unknownKey" })]);
    expect(error.issues[0]!.message).toContain("takes no parameters");
  });

  it("lets a location set to undefined pass (it sends nothing)", async () => {
    const { error } = await chatwork().GET("/me", { params: { query: undefined } });
    expect(error).toBeUndefined();
    expect(server.count()).toBe(1);
  });
});

describe("unknown keys in the call options", () => {
  it("names each one and lists the keys a call may carry", async () => {
    const error = await refused(
      // @ts-expect-error headres and middleware are not call options
      chatwork().GET("/me", { headres: { a: "b" }, middleware: [] }),
    );
    expect(error.issues.map((i) => [i.location, i.field, i.rule])).toEqual([
      ["options", "headres", "unknownKey"],
      ["options", "middleware", "unknownKey"],
    ]);
    expect(error.issues[0]!.message).toBe(
      "is not a known key (allowed: params, body, headers, signal, parseAs, baseUrl)",
    );
  });

  it("refuses a per-call fetch, which the client would ignore, without calling it", async () => {
    let fetched = 0;
    const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      fetched++;
      return globalThis.fetch(input, init);
    };
    // @ts-expect-error fetch is a client option, not a call option
    const error = await refused(chatwork().GET("/me", { fetch }));
    expect(error.issues).toEqual([expect.objectContaining({ field: "fetch", rule: "unknownKey" })]);
    expect(fetched).toBe(0);
  });

  it("refuses them with request validation off too: they are not the spec's rules but the client's", async () => {
    const client = createLineClient({
      channelAccessToken: "t",
      baseUrl: server.url,
      rateLimit: false,
      retry: false,
      validate: { request: false },
    });
    // @ts-expect-error querySerializer is not honoured per call
    const error = await refused(client.GET("/v2/bot/list", { querySerializer: () => "" }));
    expect(error.issues).toEqual([expect.objectContaining({ field: "querySerializer", rule: "unknownKey" })]);
  });

  it("refuses them on the untyped entry the CLI uses", async () => {
    const init = { params: { path: { room_id: 1 } }, querry: {} };
    const error = await refused(callOperation(chatwork(), "GET", "/rooms/{room_id}", init));
    expect(error.issues).toEqual([expect.objectContaining({ field: "querry", rule: "unknownKey" })]);
  });

  it("sends a call carrying every key it may (params, body, headers, signal, parseAs, baseUrl)", async () => {
    const client = createChatworkClient({ token: "t", rateLimit: false, retry: false });
    const { data, error } = await client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 1 } },
      body: { body: "hello" },
      headers: { "x-trace": "1" },
      signal: AbortSignal.timeout(10_000),
      parseAs: "text",
      baseUrl: server.url,
    });
    expect(error).toBeUndefined();
    expect(data).toBe("[]");
    expect(server.received).toEqual([
      expect.objectContaining({ method: "POST", url: "/rooms/1/messages", body: "body=hello" }),
    ]);
    expect(server.received[0]!.headers["x-trace"]).toBe("1");
  });
});
