// Middleware in openapi-fetch's shape and the client-wide header options, against a local node:http server that
// records what it received: a header added in onRequest reaches the server on every attempt, credentials are
// added after middleware (which never sees them), onResponse/onError can replace the answer, eject removes.
import type { Middleware } from "openapi-fetch";
import { describe, expect, expectTypeOf, it } from "vitest";
import { ServerError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { USER_AGENT } from "../../src/runtime/version.js";
import { faultServers, json } from "../support/fault-server.js";
import { refusedUrl } from "../support/raw-server.js";

const TOKEN = "cw-middleware-token-SECRET-42";
const server = faultServers();
const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe("middleware", () => {
  it("onRequest runs on every attempt: its header reaches the server on the retries too", async () => {
    const api = await server((_req, res, i) => (i < 2 ? json(res, 503, {}) : json(res, 200, {})));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url, retry: FAST_RETRY });
    let calls = 0;
    client.use({
      onRequest({ request }) {
        request.headers.set("x-trace-attempt", String(++calls));
      },
    });
    const { error } = await client.GET("/me");
    expect(error).toBeUndefined();
    expect(api.received.map((r) => r.headers["x-trace-attempt"])).toEqual(["1", "2", "3"]);
    // The credentials still go out, next to the middleware's header.
    expect(api.received.every((r) => r.headers["x-chatworktoken"] === TOKEN)).toBe(true);
    await client.close();
  });

  it("middleware never sees the credentials, and gets openapi-fetch's callback parameters", async () => {
    const api = await server((_req, res) => json(res, 200, { message_id: "5" }));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    const seen: { headers: [string, string][]; schemaPath: string; params: unknown; id: string; url: string }[] = [];
    client.use({
      onRequest({ request, schemaPath, params, id }) {
        seen.push({ headers: [...request.headers], schemaPath, params, id, url: request.url });
      },
    });
    await client.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 9 } }, body: { body: "hi" } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.some(([, value]) => value.includes(TOKEN))).toBe(false);
    expect(seen[0]).toMatchObject({
      schemaPath: "/rooms/{room_id}/messages",
      params: { path: { room_id: 9 } },
      url: `${api.url}/rooms/9/messages`,
    });
    expect(seen[0]!.id).toMatch(/\S/);
    expect(api.received[0]!.body).toBe("body=hi");
    expect(api.received[0]!.headers["x-chatworktoken"]).toBe(TOKEN);
    await client.close();
  });

  it("onRequest may return a new Request (body and URL changed) or a Response (nothing sent)", async () => {
    const api = await server((req, res) => json(res, 200, { path: req.url, body: req.body }));
    const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: api.url });
    const rewrite: Middleware = {
      onRequest: ({ request }) => new Request(request.url.replace("/v2/bot/list", "/v2/bot/list?via=mw"), request),
    };
    client.use(rewrite);
    const first = await client.GET("/v2/bot/list");
    expect(first.data).toMatchObject({ path: "/v2/bot/list?via=mw" });
    client.eject(rewrite);
    const cached: Middleware = { onRequest: () => Response.json({ bots: ["cached"] }) };
    client.use(cached);
    const second = await client.GET("/v2/bot/list");
    expect(second.data).toEqual({ bots: ["cached"] });
    expect(api.received).toHaveLength(1);
    await client.close();
  });

  it("onResponse sees every attempt's answer, last registered first, and may replace it", async () => {
    const api = await server((_req, res, i) => (i === 0 ? json(res, 500, {}) : json(res, 200, { n: 1 })));
    const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: api.url, retry: FAST_RETRY });
    const order: string[] = [];
    client.use(
      { onResponse: ({ response }) => void order.push(`outer:${response.status}`) },
      {
        async onResponse({ response }) {
          order.push(`inner:${response.status}`);
          if (response.ok) return Response.json({ ...(await response.json()), replaced: true });
        },
      },
    );
    const { data } = await client.GET("/v2/bot/list");
    expect(order).toEqual(["inner:500", "outer:500", "inner:200", "outer:200"]);
    expect(data).toEqual({ n: 1, replaced: true });
    await client.close();
  });

  it("onError turns a connection failure into an answer, or into another error", async () => {
    const refused = await refusedUrl();
    const client = createLineClient({ channelAccessToken: TOKEN, baseUrl: refused, retry: false });
    const fallback: Middleware = { onError: () => Response.json({ bots: [] }, { status: 503 }) };
    client.use(fallback);
    const { error } = await client.GET("/v2/bot/list");
    expect(error).toBeInstanceOf(ServerError);
    client.eject(fallback);
    client.use({ onError: ({ error: e }) => new Error("offline", { cause: e }) });
    await expect(client.GET("/v2/bot/list")).rejects.toThrow("offline");
    await client.close();
  });

  it("refuses what is not middleware, and the type is openapi-fetch's", () => {
    const client = createChatworkClient({ token: TOKEN });
    expect(() => client.use({} as Middleware)).toThrow(/onRequest/);
    expectTypeOf<Parameters<typeof client.use>[0]>().toEqualTypeOf<Middleware>();
    // @ts-expect-error onRequest must be a function
    client.use({ onRequest: 1 });
    void client.close();
  });
});

describe("client-wide headers and user-agent", () => {
  it("`headers` go with every call (a call's own win); `userAgent` is appended to the package's", async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({
      token: TOKEN,
      baseUrl: api.url,
      headers: { "X-Tenant": "acme", "x-mode": "default" },
      userAgent: "my-app/1.2",
    });
    await client.GET("/me");
    await client.GET("/me", { headers: { "x-mode": "call" } });
    expect(api.received.map((r) => [r.headers["x-tenant"], r.headers["x-mode"]])).toEqual([
      ["acme", "default"],
      ["acme", "call"],
    ]);
    expect(api.received[0]!.headers["user-agent"]).toBe(`${USER_AGENT} my-app/1.2`);
    await client.close();
  });

  it("without the options the package's own user-agent goes out", async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({ token: TOKEN, baseUrl: api.url });
    await client.GET("/me");
    expect(api.received[0]!.headers["user-agent"]).toBe(USER_AGENT);
    await client.close();
  });

  it("through an injected fetch too", async () => {
    const api = await server((_req, res) => json(res, 200, {}));
    const client = createChatworkClient({
      token: TOKEN,
      baseUrl: api.url,
      fetch: (input, init) => fetch(input, init),
      userAgent: "my-app/1.2",
      headers: { "x-tenant": "acme" },
    });
    await client.GET("/me");
    expect(api.received[0]!.headers).toMatchObject({ "x-tenant": "acme", "user-agent": `${USER_AGENT} my-app/1.2` });
    await client.close();
  });
});
