// Client events against real local servers: what each attempt, retry, limiter wait, token renewal and error
// reports, in order, with the attempt number; listeners that throw; `off`; `error.attempts`.
import { describe, expect, it } from "vitest";
import {
  NetworkError,
  NotFoundError,
  RequestValidationError,
  ServerError,
  type BizchatError,
} from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { createLineWorksClient, refreshTokenAuth } from "../../src/lineworks/index.js";
import type { ClientEvents } from "../../src/runtime/events.js";
import { faultServers, json } from "../support/fault-server.js";
import { refusedUrl } from "../support/raw-server.js";

const TOKEN = "cw-events-token-SECRET-0123456789";
const server = faultServers();

type Recorded = { [N in keyof ClientEvents]: { name: N; event: ClientEvents[N] } }[keyof ClientEvents];

/** Listens to every event of a client, in order. */
function record(client: { on<N extends keyof ClientEvents>(name: N, l: (e: ClientEvents[N]) => void): void }) {
  const seen: Recorded[] = [];
  for (const name of ["request", "response", "retry", "rateLimitWait", "tokenRenewal", "error"] as const)
    client.on(name, (event: ClientEvents[typeof name]) => seen.push({ name, event } as Recorded));
  return seen;
}

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe("attempt events", () => {
  it("a call that succeeds: request then response, attempt 1, the status, elapsed time and request id", async () => {
    const api = await server((_req, res) => json(res, 200, { bots: [] }, { "x-line-request-id": "req-42" }));
    const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: api.url });
    const seen = record(client);
    await client.GET("/v2/bot/list");
    expect(seen.map((s) => s.name)).toEqual(["request", "response"]);
    const [request, response] = seen.map((s) => s.event) as [ClientEvents["request"], ClientEvents["response"]];
    expect(request).toMatchObject({
      provider: "line",
      operationId: "getModules",
      method: "GET",
      url: `${api.url}/v2/bot/list`,
      attempt: 1,
    });
    expect(request.headers.authorization).toBe("[REDACTED]");
    expect(response).toMatchObject({ status: 200, attempt: 1, requestId: "req-42" });
    expect(response.elapsedMs).toBeGreaterThanOrEqual(0);
    await client.close();
  });

  it("a 503 then 200: each attempt, the retry between them with its reason and delay", async () => {
    const api = await server((_req, res, i) => (i === 0 ? json(res, 503, { errors: ["busy"] }) : json(res, 200, {})));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url, retry: FAST_RETRY });
    const seen = record(client);
    const { error } = await client.GET("/me");
    expect(error).toBeUndefined();
    expect(seen.map((s) => `${s.name}:${s.event.attempt}`)).toEqual([
      "request:1",
      "response:1",
      "retry:1",
      "request:2",
      "response:2",
    ]);
    const retry = seen[2]!.event as ClientEvents["retry"];
    expect(retry.reason).toEqual({ kind: "status", status: 503 });
    expect(retry.delayMs).toBeGreaterThanOrEqual(0);
    expect(retry.delayMs).toBeLessThanOrEqual(5);
    expect(api.received).toHaveLength(2);
    await client.close();
  });

  it("a refused connection: retry events name the code, the error event ends the call, error.attempts counts", async () => {
    const client = createChatworkClient({ token: TOKEN, baseUrl: await refusedUrl(), retry: FAST_RETRY });
    const seen = record(client);
    const error = await client.GET("/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).attempts).toBe(3);
    expect(seen.map((s) => `${s.name}:${s.event.attempt}`)).toEqual([
      "request:1",
      "retry:1",
      "request:2",
      "retry:2",
      "request:3",
      "error:3",
    ]);
    expect((seen[1]!.event as ClientEvents["retry"]).reason).toEqual({ kind: "network", code: "ECONNREFUSED" });
    expect((seen[5]!.event as ClientEvents["error"]).error).toBe(error);
    await client.close();
  });

  it("an error answer: the error event carries the returned error, which knows its attempts", async () => {
    const api = await server((_req, res) => json(res, 500, { errors: ["boom"] }));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url, retry: FAST_RETRY });
    const seen = record(client);
    const { error } = await client.GET("/me");
    expect(error).toBeInstanceOf(ServerError);
    expect(error!.attempts).toBe(3);
    const last = seen.at(-1)!;
    expect(last.name).toBe("error");
    expect(last.event).toMatchObject({ attempt: 3, operationId: "getMe" });
    expect((last.event as ClientEvents["error"]).error).toBe(error);
    await client.close();
  });

  it("a POST that is not retried: one attempt, error.attempts 1", async () => {
    const api = await server((_req, res) => json(res, 404, { errors: ["no room"] }));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    const { error } = await client.POST("/rooms/{room_id}/messages", {
      params: { path: { room_id: 1 } },
      body: { body: "hi" },
    });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error!.attempts).toBe(1);
    await client.close();
  });

  it("an invalid request: an error event with attempt 0, and no attempts on the error", async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    const seen = record(client);
    const error = await client
      .POST("/rooms/{room_id}/messages", { params: { path: { room_id: 1 } }, body: { body: "" } })
      .then(
        () => undefined,
        (e: unknown) => e as BizchatError,
      );
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error?.attempts).toBeUndefined();
    expect(seen.map((s) => `${s.name}:${s.event.attempt}`)).toEqual(["error:0"]);
    expect(api.received).toHaveLength(0);
    await client.close();
  });
});

describe("limiter and token events", () => {
  it("rateLimitWait: a post that waits for the room's window says which class, which key and how long", async () => {
    const api = await server((_req, res) => json(res, 200, { message_id: "1" }));
    const client = createChatworkClient({
      token: TOKEN,
      baseUrl: api.url,
      rateLimit: { classes: { roomPost: { limit: 1, intervalMs: 400 } } },
    });
    const seen = record(client);
    const post = () =>
      client.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 77 } }, body: { body: "hi" } });
    const startedAt = Date.now();
    await Promise.all([post(), post()]);
    const waits = seen.filter((s) => s.name === "rateLimitWait").map((s) => s.event);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({
      limitClass: "roomPost",
      key: "roomPost:77",
      attempt: 1,
      operationId: "postMessage",
    });
    expect(waits[0]!.expectedWaitMs).toBeGreaterThan(0);
    expect(waits[0]!.expectedWaitMs).toBeLessThanOrEqual(400);
    // The wait really happened: the second post reached the server only after the window.
    expect(api.received[1]!.at - startedAt).toBeGreaterThanOrEqual(waits[0]!.expectedWaitMs! - 50);
    await client.close();
  });

  it("tokenRenewal: the first call waits for a token (initial), a 401 renews it (unauthorized)", async () => {
    let issued = 0;
    const tokens = await server((_req, res) =>
      json(res, 200, { access_token: `at-${++issued}`, expires_in: 86400, token_type: "Bearer" }),
    );
    const api = await server((req, res) =>
      req.headers.authorization === "Bearer at-1" && api.count() === 2
        ? json(res, 401, { code: "UNAUTHORIZED", description: "expired" })
        : json(res, 200, { contacts: [], responseMetaData: { nextCursor: null } }),
    );
    const client = createLineWorksClient({
      auth: refreshTokenAuth({ clientId: "c", clientSecret: "s", refreshToken: "r", tokenUrl: tokens.url }),
      baseUrl: api.url,
    });
    const seen = record(client);
    await client.GET("/contacts");
    await client.GET("/contacts");
    const renewals = seen.filter((s) => s.name === "tokenRenewal").map((s) => s.event);
    expect(renewals.map((r) => [r.reason, r.attempt])).toEqual([
      ["initial", 1],
      ["unauthorized", 2],
    ]);
    expect(renewals.every((r) => r.durationMs >= 0)).toBe(true);
    expect(issued).toBe(2);
    await client.close();
  });
});

describe("listeners", () => {
  it("a listener that throws does not break the call; it is reported to the logger", async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const warnings: string[] = [];
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url, logger: { warn: (m) => warnings.push(m) } });
    const after: string[] = [];
    client.on("request", () => {
      throw new Error("listener bug");
    });
    client.on("request", (e) => after.push(e.operationId));
    const { data, error } = await client.GET("/me");
    expect(error).toBeUndefined();
    expect(data).toEqual({});
    expect(after).toEqual(["getMe"]);
    expect(warnings).toEqual([expect.stringContaining("listener bug")]);
    await client.close();
  });

  it("off removes a listener", async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    const seen: number[] = [];
    const listener = (e: ClientEvents["response"]) => seen.push(e.status);
    client.on("response", listener);
    await client.GET("/me");
    client.off("response", listener);
    await client.GET("/me");
    expect(seen).toEqual([200]);
    await client.close();
  });

  it("payload types are checked at compile time", () => {
    const client = createChatworkClient({ token: TOKEN });
    client.on("retry", (e) => e.delayMs.toFixed());
    // @ts-expect-error a response event has no delayMs
    client.on("response", (e) => void e.delayMs);
    // @ts-expect-error unknown event name
    client.on("requests", () => undefined);
    void client.close();
  });
});
