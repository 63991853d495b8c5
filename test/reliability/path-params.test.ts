// Path smuggling, every provider: a path parameter (or LINE WORKS API 1.0's `{apiId}` server variable) holding
// "..", "%2e%2e", "/", "?", "#", "%2F", unicode and friends must either reach the intended route with the value
// percent-encoded as one segment, or be refused locally with RequestValidationError and nothing sent. A local
// server records `req.url`, exactly as it arrived. (test/runtime/line-runtime.test.ts covers LINE's release call
// with validation off; this extends it to every provider, both validation modes and a longer list.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestValidationError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { createLineWorksClient, createLineWorksV1Client } from "../../src/lineworks/index.js";
import { readBody, sendJson, startRawServer, type RawServer } from "../support/raw-server.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";

/** Values that resolve as dot segments under the WHATWG URL parser: always refused. */
const DOT_SEGMENTS = ["..", ".", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2e", "%2E"];
/** Everything else hostile: must arrive percent-encoded as exactly one segment. */
const HOSTILE = [
  "a/b",
  "/",
  "../x",
  "a/../../x",
  "..%2F",
  "%2F",
  "%2f..",
  "%252e%252e",
  "%2E%2E%2F",
  "?",
  "a?b=c",
  "#",
  "a#frag",
  "a/../../x?y#z",
  "\\",
  "..\\..",
  "%00",
  "\u0000",
  "%",
  "%%",
  ";",
  "@",
  "a:b@c",
  "http://evil.example/",
  "//evil.example",
  " ",
  "a b",
  "\t\r\n",
  "+",
  "&x=1",
  "日本語",
  "😀",
  "．．",
  "。。",
  "\u202e..",
  "x".repeat(100),
];

interface Route {
  provider: string;
  /** The route as the server must see it, with `{}` where the parameter goes. */
  template: string;
  param: string;
  /** With validation on, does the spec's schema already refuse non-numeric values (so every hostile value)? */
  schemaRefusesHostile: boolean;
  call(validate: boolean, value: unknown): Promise<unknown>;
}

let server: RawServer;
let v1Server: RawServer;
beforeAll(async () => {
  server = await startRawServer(async (req, res) => {
    await readBody(req);
    sendJson(res, 200, {});
  });
  v1Server = await startRawServer(async (req, res) => {
    await readBody(req);
    sendJson(res, 200, { code: 200, message: "OK", botNo: 1 });
  });
});
afterAll(async () => {
  await server?.close();
  await v1Server?.close();
});

const options = (validate: boolean) => ({
  baseUrl: server.url,
  rateLimit: false as const,
  retry: false as const,
  validate: { request: validate },
});

const routes: Route[] = [
  {
    provider: "Chatwork",
    template: "/rooms/{}/messages/1928374655918273645",
    param: "room_id (integer)",
    schemaRefusesHostile: true,
    call: (validate, value) =>
      createChatworkClient({ token: "t", ...options(validate) }).GET("/rooms/{room_id}/messages/{message_id}", {
        params: { path: { room_id: value as number, message_id: "1928374655918273645" } },
      }),
  },
  {
    provider: "Chatwork",
    template: "/rooms/322/messages/{}",
    param: "message_id (digits pattern)",
    schemaRefusesHostile: true,
    call: (validate, value) =>
      createChatworkClient({ token: "t", ...options(validate) }).DELETE("/rooms/{room_id}/messages/{message_id}", {
        params: { path: { room_id: 322, message_id: value as string } },
      }),
  },
  {
    provider: "LINE",
    template: "/v2/bot/chat/{}/control/acquire",
    param: "chatId",
    schemaRefusesHostile: false,
    call: (validate, value) =>
      createLineClient({ channelAccessToken: "t", ...options(validate) }).POST(
        "/v2/bot/chat/{chatId}/control/acquire",
        { params: { path: { chatId: value as string } }, body: { expired: true, ttl: 3600 } },
      ),
  },
  {
    provider: "LINE",
    template: "/v2/bot/chat/{}/control/release",
    param: "chatId",
    schemaRefusesHostile: false,
    call: (validate, value) =>
      createLineClient({ channelAccessToken: "t", ...options(validate) }).POST(
        "/v2/bot/chat/{chatId}/control/release",
        { params: { path: { chatId: value as string } } },
      ),
  },
  {
    provider: "LINE WORKS 2.0",
    template: "/contacts/{}",
    param: "contactId",
    schemaRefusesHostile: false,
    call: (validate, value) =>
      createLineWorksClient({ auth: { accessToken: "t" }, ...options(validate) }).GET("/contacts/{contactId}", {
        params: { path: { contactId: value as string } },
      }),
  },
  {
    provider: "LINE WORKS 2.0",
    template: "/users/{}/contacts",
    param: "userId",
    schemaRefusesHostile: false,
    call: (validate, value) =>
      createLineWorksClient({ auth: { accessToken: "t" }, ...options(validate) }).GET("/users/{userId}/contacts", {
        params: { path: { userId: value as string } },
      }),
  },
  {
    provider: "LINE WORKS 2.0",
    template: "/contact-tags/{}",
    param: "contactTagId",
    schemaRefusesHostile: false,
    call: (validate, value) =>
      createLineWorksClient({ auth: { accessToken: "t" }, ...options(validate) }).DELETE(
        "/contact-tags/{contactTagId}",
        { params: { path: { contactTagId: value as string } } },
      ),
  },
  {
    provider: "LINE WORKS 2.0",
    template: "/contacts/custom-properties/{}", // the documented URL below the API root
    param: "customPropertyId",
    schemaRefusesHostile: false,
    call: (validate, value) =>
      createLineWorksClient({ auth: { accessToken: "t" }, ...options(validate) }).GET(
        "/custom-properties/{customPropertyId}",
        { params: { path: { customPropertyId: value as string } } },
      ),
  },
];

/** What happened to one call: refused locally (with the rule), or the URL(s) the server received. */
async function attempt(
  route: Route,
  validate: boolean,
  value: unknown,
): Promise<{ refused?: string; urls: string[]; other?: unknown }> {
  const before = server.requests.length;
  try {
    await route.call(validate, value);
  } catch (error) {
    const urls = server.requests.slice(before).map((r) => r.url);
    if (error instanceof RequestValidationError) return { refused: error.issues.map((i) => i.rule).join(","), urls };
    return { other: error, urls };
  }
  return { urls: server.requests.slice(before).map((r) => r.url) };
}

/** The intended route, the value one percent-encoded segment: checked by decoding, not only by string equality. */
function intendedRoute(route: Route, value: string, url: string): boolean {
  const expected = route.template.replace("{}", encodeURIComponent(value));
  if (url !== expected) return false;
  const parsed = new URL(url, "http://x");
  if (parsed.pathname !== url || parsed.search || parsed.hash) return false;
  const templateSegments = route.template.split("/");
  const segments = url.split("/");
  const index = templateSegments.indexOf("{}");
  return segments.length === templateSegments.length && decodeURIComponent(segments[index]!) === value;
}

const cases = routes.flatMap((route) =>
  [true, false].map((validate) => ({
    name: `${route.provider} ${route.template.replace("{}", `{${route.param}}`)}, validation ${validate ? "on" : "off"}`,
    route,
    validate,
  })),
);

describe.each(cases.map((c) => [c.name, c] as const))("%s", (_name, { route, validate }) => {
  it(`dot segments (${DOT_SEGMENTS.join(" ")}) are refused with rule dotSegment, nothing sent`, async () => {
    const wrong: string[] = [];
    for (const value of DOT_SEGMENTS) {
      const outcome = await attempt(route, validate, value);
      if (outcome.refused !== "dotSegment" || outcome.urls.length)
        wrong.push(`${JSON.stringify(value)} → ${JSON.stringify(outcome)}`);
    }
    expect(wrong).toEqual([]);
  });

  const expectation =
    validate && route.schemaRefusesHostile
      ? "refused by the schema, nothing sent"
      : "sent once to the intended route, encoded as one segment";
  it(`${HOSTILE.length} hostile values: ${expectation}`, async () => {
    const wrong: string[] = [];
    for (const value of HOSTILE) {
      const outcome = await attempt(route, validate, value);
      if (validate && route.schemaRefusesHostile) {
        if (!outcome.refused || outcome.refused.includes("dotSegment") || outcome.urls.length)
          wrong.push(`${JSON.stringify(value)} → ${JSON.stringify(outcome)}`);
      } else if (
        outcome.refused ||
        outcome.other ||
        outcome.urls.length !== 1 ||
        !intendedRoute(route, value, outcome.urls[0]!)
      ) {
        wrong.push(
          `${JSON.stringify(value)} → ${JSON.stringify({ ...outcome, other: outcome.other instanceof Error ? outcome.other.message : JSON.stringify(outcome.other) })}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("values that would escape a plain dot-segment check", () => {
  it.each(routes.map((r) => [`${r.provider} ${r.template}`, r] as const))(
    "%s: a lone surrogate is refused with RequestValidationError (not a bare URIError from the path serializer)",
    async (_name, route) => {
      for (const validate of [true, false]) {
        for (const value of ["\uD800", "a\uDFFFb"]) {
          const outcome = await attempt(route, validate, value);
          expect(outcome.refused).toBeDefined();
          expect(outcome.urls).toEqual([]);
        }
      }
    },
  );

  it.each(routes.map((r) => [`${r.provider} ${r.template}`, r] as const))(
    '%s, validation off: an array [".."] (serialized as "..") is refused, not sent to a parent route',
    async (_name, route) => {
      const outcome = await attempt(route, false, [".."]);
      // Today: e.g. GET /rooms/{room_id}/messages/1 with room_id [".."] reaches /messages/1928374655918273645.
      expect(outcome.urls).toEqual([]);
      expect(outcome.refused).toBe("dotSegment");
    },
  );

  it.each(routes.map((r) => [`${r.provider} ${r.template}`, r] as const))(
    '%s, validation off: an empty value is refused, not sent as an empty segment ("//")',
    async (_name, route) => {
      const outcome = await attempt(route, false, "");
      expect(outcome.urls).toEqual([]);
      expect(outcome.refused).toBeDefined();
    },
  );
});

describe("LINE WORKS API 1.0: the {apiId} server variable", () => {
  const bot = exampleCall(loadSpec("lineworks-v1"), "registerBot").body;
  // No baseUrl, so the spec's server https://apis.worksmobile.com/{apiId} is used; the injected fetch sends the
  // request, URL path untouched, to the local server.
  const toLocal: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    return fetch(new Request(request.url.replace("https://apis.worksmobile.com", v1Server.url), request));
  };
  async function send(apiId: string): Promise<{ urls: string[]; error?: unknown }> {
    const before = v1Server.requests.length;
    try {
      const client = createLineWorksV1Client({
        apiId,
        consumerKey: "ck",
        token: "t",
        fetch: toLocal,
        retry: false,
        rateLimit: false,
      });
      await client.POST("/message/registerBot/v4", { body: bot as never });
      return { urls: v1Server.requests.slice(before).map((r) => r.url) };
    } catch (error) {
      return { urls: v1Server.requests.slice(before).map((r) => r.url), error };
    }
  }

  it("a plain API ID reaches /{apiId}/message/registerBot/v4", async () => {
    expect(await send("kr1wwTrYrbIot")).toEqual({ urls: ["/kr1wwTrYrbIot/message/registerBot/v4"] });
  });

  it(`${HOSTILE.length} hostile API IDs arrive percent-encoded as the first segment`, async () => {
    const wrong: string[] = [];
    for (const apiId of HOSTILE) {
      const { urls, error } = await send(apiId);
      const expected = `/${encodeURIComponent(apiId)}/message/registerBot/v4`;
      if (error || urls.length !== 1 || urls[0] !== expected || decodeURIComponent(urls[0].split("/")[1]!) !== apiId)
        wrong.push(
          `${JSON.stringify(apiId)} → ${JSON.stringify(urls)} ${error instanceof Error ? error.message : JSON.stringify(error)}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('"%2e%2e" as API ID is encoded ("%252e%252e"), so it is not a dot segment', async () => {
    expect((await send("%2e%2e")).urls).toEqual(["/%252e%252e/message/registerBot/v4"]);
  });

  it.each([[".."], ["."], [""]])(
    "API ID %j is refused locally (it would be sent without the tenant segment: /message/… or //message/…)",
    async (apiId) => {
      const { urls, error } = await send(apiId);
      expect(urls).toEqual([]);
      expect(error).toBeInstanceOf(Error);
    },
  );
});
