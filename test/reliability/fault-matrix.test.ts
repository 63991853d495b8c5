// The fault matrix of issue #5: every provider client, one idempotent GET and one non-idempotent POST (API 1.0 has
// no GET operation: its two POSTs instead), each against a real local node:http server that injects one fault.
// Every expectation is exact: the typed error class, and the number of requests (or connections) the server saw,
// which is what proves a POST was never sent twice. Policy under test (src/runtime/retry.ts, tooling.md §6):
// idempotent calls retry 429, 5xx and network failures; a non-idempotent POST retries only a 429 and a refused
// connection, never a 5xx, a reset or a time-out after sending.
import { generateKeyPairSync } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiError,
  NetworkError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  type CommonOptions,
} from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { createLineWorksClient, createLineWorksV1Client, serviceAccountAuth } from "../../src/lineworks/index.js";
import {
  forceGc,
  readBody,
  refusedUrl,
  sendJson,
  startRawServer,
  warmUpFetch,
  type RawHandler,
  type RawServer,
} from "../support/raw-server.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";

const RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
/** Timers never fire early, but the server stamps a request when its head is parsed: allow a little slack. */
const SLACK_MS = 25;

type Result = { data?: unknown; error?: ApiError | undefined; response: Response };
type Options = CommonOptions & { baseUrl: string };

interface Op {
  label: string;
  method: "GET" | "POST";
  /** The path the server receives. */
  path: string;
  idempotent: boolean;
  okStatus: number;
  okBody: unknown;
  open(options: Options): { call: () => Promise<Result>; close(): Promise<void> };
}

interface ProviderCase {
  provider: string;
  ops: Op[];
  errorBody: unknown;
  rateLimitBody: unknown;
  /** What the provider's 429 carries. */
  rateLimitHeaders: string;
  /** Writes the provider's own 429 announcing a wait of one to two seconds; returns when the wait ends (ms). */
  tooMany(res: ServerResponse): number;
}

const spec = { line: loadSpec("line"), lineworks: loadSpec("lineworks"), v1: loadSpec("lineworks-v1") };
const contactBody = exampleCall(spec.lineworks, "createContact").body;
const botBody = exampleCall(spec.v1, "registerBot").body;
const serviceTokenBody = exampleCall(spec.v1, "getServiceToken").body;
const issueTokenBody = exampleCall(spec.lineworks, "issueAccessToken").body;
const markAsReadBody = exampleCall(spec.line, "markMessagesAsRead").body;
const me = {
  account_id: 123,
  room_id: 322,
  name: "山田 太郎",
  chatwork_id: "yamada",
  organization_id: 101,
  organization_name: "",
  department: "",
  title: "",
  url: "",
  introduction: "",
  mail: "",
  tel_organization: "",
  tel_extension: "",
  tel_mobile: "",
  skype: "",
  facebook: "",
  twitter: "",
  avatar_image_url: "https://appdata.chatwork.com/avatar/a.png",
  login_mail: "yamada@example.co.jp",
};
const tokenAnswer = { access_token: "at", refresh_token: "rt", scope: "bot", token_type: "Bearer", expires_in: 86400 };

const chatwork: ProviderCase = {
  provider: "Chatwork",
  errorBody: { errors: ["Internal server error"] },
  rateLimitBody: { errors: ["Rate limit exceeded"] },
  rateLimitHeaders: "x-ratelimit-reset (unix seconds)",
  tooMany(res) {
    const resetAt = Math.ceil(Date.now() / 1000) + 1;
    sendJson(
      res,
      429,
      { errors: ["Rate limit exceeded"] },
      { "x-ratelimit-limit": 300, "x-ratelimit-remaining": 0, "x-ratelimit-reset": resetAt },
    );
    return resetAt * 1000;
  },
  ops: [
    {
      label: "GET /me",
      method: "GET",
      path: "/me",
      idempotent: true,
      okStatus: 200,
      okBody: me,
      open(options) {
        const client = createChatworkClient({ token: "cw-token", ...options });
        return { call: () => client.GET("/me"), close: () => client.close() };
      },
    },
    {
      label: "POST /rooms/{room_id}/messages",
      method: "POST",
      path: "/rooms/1/messages",
      idempotent: false,
      okStatus: 200,
      okBody: { message_id: "1928374655918273645" },
      open(options) {
        const client = createChatworkClient({ token: "cw-token", ...options });
        return {
          call: () =>
            client.POST("/rooms/{room_id}/messages", {
              params: { path: { room_id: 1 } },
              body: { body: "hi" },
            }),
          close: () => client.close(),
        };
      },
    },
  ],
};

const line: ProviderCase = {
  provider: "LINE",
  errorBody: { message: "An error occurred" },
  rateLimitBody: { message: "The API rate limit has been exceeded. Try again later." },
  rateLimitHeaders: "Retry-After (seconds)",
  tooMany(res) {
    sendJson(res, 429, { message: "The API rate limit has been exceeded. Try again later." }, { "retry-after": 1 });
    return Date.now() + 1000;
  },
  ops: [
    {
      label: "GET /v2/bot/list",
      method: "GET",
      path: "/v2/bot/list",
      idempotent: true,
      okStatus: 200,
      okBody: { bots: [] },
      open(options) {
        const client = createLineClient({ channelAccessToken: "line-token", ...options });
        return { call: () => client.GET("/v2/bot/list"), close: () => client.close() };
      },
    },
    {
      label: "POST /shop/v3/mission",
      method: "POST",
      path: "/shop/v3/mission",
      idempotent: false,
      okStatus: 200,
      okBody: {},
      open(options) {
        const client = createLineClient({ channelAccessToken: "line-token", ...options });
        return {
          call: () =>
            client.POST("/shop/v3/mission", {
              body: {
                to: "U2714aa3b2407b75341f3f170fc4151b9",
                productId: "1",
                productType: "STICKER",
                sendPresentMessage: false,
              },
            }),
          close: () => client.close(),
        };
      },
    },
    {
      label: "POST /v2/bot/message/markAsRead (idempotent POST)",
      method: "POST",
      path: "/v2/bot/message/markAsRead",
      idempotent: true,
      okStatus: 200,
      okBody: {},
      open(options) {
        const client = createLineClient({ channelAccessToken: "line-token", ...options });
        return {
          call: () => client.POST("/v2/bot/message/markAsRead", { body: markAsReadBody as never }),
          close: () => client.close(),
        };
      },
    },
  ],
};

const lineworks: ProviderCase = {
  provider: "LINE WORKS 2.0",
  errorBody: { code: "INTERNAL_SERVER_ERROR", description: "Internal server error" },
  rateLimitBody: { code: "TOO_MANY_REQUESTS", description: "Too many requests" },
  rateLimitHeaders: "RateLimit-Reset (seconds until reset)",
  tooMany(res) {
    sendJson(
      res,
      429,
      { code: "TOO_MANY_REQUESTS", description: "Too many requests" },
      { "RateLimit-Limit": 240, "RateLimit-Remaining": 0, "RateLimit-Reset": 1 },
    );
    return Date.now() + 1000;
  },
  ops: [
    {
      label: "GET /contacts",
      method: "GET",
      path: "/contacts",
      idempotent: true,
      okStatus: 200,
      okBody: { contacts: [], responseMetaData: { nextCursor: null } },
      open(options) {
        const client = createLineWorksClient({ auth: { accessToken: "works-token" }, ...options });
        return { call: () => client.GET("/contacts"), close: () => client.close() };
      },
    },
    {
      label: "POST /contacts",
      method: "POST",
      path: "/contacts",
      idempotent: false,
      okStatus: 201,
      okBody: { ...(contactBody as object), contactId: "c-1" },
      open(options) {
        const client = createLineWorksClient({ auth: { accessToken: "works-token" }, ...options });
        return {
          call: () => client.POST("/contacts", { body: contactBody as never }),
          close: () => client.close(),
        };
      },
    },
  ],
};

const lineworksV1: ProviderCase = {
  provider: "LINE WORKS 1.0",
  errorBody: { errorCode: "999", errorMessage: "Internal server error" },
  rateLimitBody: { errorCode: "092", errorMessage: "API call limit exceeded" },
  rateLimitHeaders: "RateLimit-Reset (seconds until reset)",
  tooMany(res) {
    sendJson(
      res,
      429,
      { errorCode: "092", errorMessage: "API call limit exceeded" },
      { "RateLimit-Limit": 60, "RateLimit-Remaining": 0, "RateLimit-Reset": 1 },
    );
    return Date.now() + 1000;
  },
  ops: [
    {
      label: "POST /message/registerBot/v4",
      method: "POST",
      path: "/message/registerBot/v4",
      idempotent: false,
      okStatus: 200,
      okBody: { code: 200, message: "OK", botNo: 1 },
      open(options) {
        const client = createLineWorksV1Client({
          apiId: "kr1wwTrYrbIot",
          consumerKey: "ck",
          token: "server-token",
          ...options,
        });
        return {
          call: () => client.POST("/message/registerBot/v4", { body: botBody as never }),
          close: () => client.close(),
        };
      },
    },
  ],
};

const providers = [chatwork, line, lineworks, lineworksV1];

let server: RawServer | undefined;
const clients: { close(): Promise<void> }[] = [];
beforeAll(warmUpFetch);
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function serve(handler: RawHandler, onConnection?: Parameters<typeof startRawServer>[1]) {
  server = await startRawServer(handler, onConnection);
  return server;
}

function open(op: Op, options: Partial<CommonOptions> & { baseUrl: string }) {
  const opened = op.open({ retry: RETRY, ...options });
  clients.push(opened);
  return opened.call;
}

/** The call's outcome: the result, or what it threw. */
async function settle(call: () => Promise<Result>): Promise<unknown> {
  return call().then(
    (r) => r,
    (e: unknown) => e,
  );
}

const attemptsFor = (op: Op) => (op.idempotent ? RETRY.maxAttempts : 1);

// The 429 cases wait one to two real seconds each: they run concurrently, each with its own server.
const rateLimitCases = providers.flatMap((pc) =>
  pc.ops.map((op) => ({ name: `${pc.provider} ${op.label}, ${pc.rateLimitHeaders}`, pc, op })),
);
describe.concurrent("429 with the provider's own rate-limit headers", () => {
  it.each(rateLimitCases.map((c) => [c.name, c] as const))(
    "%s: retried once after the announced wait, then succeeds",
    async (_name, { pc, op }) => {
      let waitEnds = 0;
      const s = await startRawServer(async (req, res, i) => {
        await readBody(req);
        if (i === 0) waitEnds = pc.tooMany(res);
        else sendJson(res, op.okStatus, op.okBody);
      });
      const opened = op.open({ baseUrl: s.url, retry: RETRY });
      try {
        const result = await opened.call();
        expect(result.error).toBeUndefined();
        expect(result.response.status).toBe(op.okStatus);
        expect(s.count(op.method, op.path)).toBe(2);
        expect(s.requests[1]!.at).toBeGreaterThanOrEqual(waitEnds - SLACK_MS);
        expect(s.requests[1]!.at - waitEnds).toBeLessThan(3000);
      } finally {
        await opened.close();
        await s.close();
      }
    },
  );
});

describe.each(providers.map((pc) => [pc.provider, pc] as const))("%s", (_provider, pc) => {
  describe.each(pc.ops.map((op) => [op.label, op] as const))("%s", (_label, op) => {
    it.each([500, 502, 503])(
      `always %i: ${op.idempotent ? "retried up to maxAttempts" : "not retried"}, then ServerError`,
      async (status) => {
        const s = await serve(async (req, res) => {
          await readBody(req);
          sendJson(res, status, pc.errorBody);
        });
        const { error, data } = await open(op, { baseUrl: s.url })();
        expect(data).toBeUndefined();
        expect(error).toBeInstanceOf(ServerError);
        expect(error!.status).toBe(status);
        expect(s.count(op.method, op.path)).toBe(attemptsFor(op));
      },
    );

    it(`503, 503, then 200: ${op.idempotent ? "succeeds on attempt 3" : "ServerError after the first 503, sent once"}`, async () => {
      const s = await serve(async (req, res, i) => {
        await readBody(req);
        if (i < 2) sendJson(res, 503, pc.errorBody);
        else sendJson(res, op.okStatus, op.okBody);
      });
      const result = await open(op, { baseUrl: s.url })();
      if (op.idempotent) {
        expect(result.error).toBeUndefined();
        expect(result.response.status).toBe(op.okStatus);
        expect(s.count()).toBe(3);
      } else {
        expect(result.error).toBeInstanceOf(ServerError);
        expect(s.count()).toBe(1);
      }
    });

    it.each([502, 503])(
      "an HTML %i error page: ServerError with a short message, the page kept in `body`",
      async (status) => {
        const page = `<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body><h1>${status}</h1>${"<p>nginx upstream failure</p>".repeat(2000)}</body></html>`;
        const s = await serve(async (req, res) => {
          await readBody(req);
          res.writeHead(status, {
            "content-type": "text/html; charset=utf-8",
            "content-length": Buffer.byteLength(page),
          });
          res.end(page);
        });
        const { error } = await open(op, { baseUrl: s.url })();
        expect(error).toBeInstanceOf(ServerError);
        expect(error!.status).toBe(status);
        expect(error!.messages).toHaveLength(1);
        expect(error!.messages[0]).toMatch(
          /^unexpected non-JSON error body: <!DOCTYPE html><html><head><title>\d{3} Bad Gateway<\/title>/,
        );
        // describeNonJsonError keeps the first 200 characters of the page: no 50 KB dump in the message.
        expect(error!.messages[0]!.length).toBe("unexpected non-JSON error body: ".length + 200);
        expect(error!.message.length).toBeLessThan(400);
        expect(error!.body).toBe(page);
        expect(s.count()).toBe(attemptsFor(op));
      },
    );

    it("an empty 2xx body where JSON is expected: no data, no error (nothing to validate)", async () => {
      const s = await serve(async (req, res) => {
        await readBody(req);
        res.writeHead(op.okStatus, { "content-type": "application/json", "content-length": 0 });
        res.end();
      });
      const result = await open(op, { baseUrl: s.url })();
      expect(result.data).toBeUndefined();
      expect(result.error).toBeUndefined();
      expect(result.response.status).toBe(op.okStatus);
      expect(s.count()).toBe(1);
    });

    it("an empty chunked 2xx body: no data, no error", async () => {
      const s = await serve(async (req, res) => {
        await readBody(req);
        res.writeHead(op.okStatus, { "content-type": "application/json", "transfer-encoding": "chunked" });
        res.end();
      });
      const result = await open(op, { baseUrl: s.url })();
      expect(result.data).toBeUndefined();
      expect(result.error).toBeUndefined();
      expect(s.count()).toBe(1);
    });

    it(`an empty 500 body: ServerError without messages, ${op.idempotent ? "retried" : "sent once"}`, async () => {
      const s = await serve(async (req, res) => {
        await readBody(req);
        res.writeHead(500, { "content-length": 0 });
        res.end();
      });
      const { error } = await open(op, { baseUrl: s.url })();
      expect(error).toBeInstanceOf(ServerError);
      expect(error!.messages).toEqual([]);
      expect(error!.body).toBeUndefined();
      expect(error!.message).toMatch(/answered HTTP 500: no error message in the response$/);
      expect(s.count()).toBe(attemptsFor(op));
    });

    it('malformed JSON with 200 (`{"a":`): the call settles and is sent exactly once', async () => {
      const s = await serve(async (req, res) => {
        await readBody(req);
        res.writeHead(op.okStatus, { "content-type": "application/json", "content-length": 5 });
        res.end('{"a":');
      });
      await settle(open(op, { baseUrl: s.url }));
      expect(s.count()).toBe(1);
    });

    it("malformed JSON with 200 is a typed ResponseValidationError, not a bare SyntaxError", async () => {
      const s = await serve(async (req, res) => {
        await readBody(req);
        res.writeHead(op.okStatus, { "content-type": "application/json", "content-length": 5 });
        res.end('{"a":');
      });
      const outcome = await settle(open(op, { baseUrl: s.url }));
      expect(outcome).toBeInstanceOf(ResponseValidationError);
      expect((outcome as ResponseValidationError).status).toBe(op.okStatus);
    });

    it(`connection reset on accept, before the request is read: NetworkError, ${op.idempotent ? "3 connections" : "1 connection (a reset is not proof the POST was unsent)"}`, async () => {
      const s = await serve(() => undefined, { onConnection: (socket) => socket.destroy() });
      const error = await settle(open(op, { baseUrl: s.url }));
      expect(error).toBeInstanceOf(NetworkError);
      expect(["UND_ERR_SOCKET", "ECONNRESET"]).toContain((error as NetworkError).code);
      expect((error as NetworkError).retryable).toBe(op.idempotent);
      expect((error as NetworkError).message).toContain(`after ${attemptsFor(op)} attempt(s)`);
      expect(s.connections).toBe(attemptsFor(op));
      expect(s.requests).toHaveLength(0);
    });

    it(`connection reset when the request head arrives, body unread: NetworkError, ${op.idempotent ? "sent 3 times" : "sent once"}`, async () => {
      const s = await serve((req) => {
        req.socket.destroy();
      });
      const error = await settle(open(op, { baseUrl: s.url }));
      expect(error).toBeInstanceOf(NetworkError);
      expect(s.count(op.method, op.path)).toBe(attemptsFor(op));
    });

    it(`connection reset after the request was read: NetworkError, ${op.idempotent ? "sent 3 times" : "sent once (it may have been processed)"}`, async () => {
      const s = await serve(async (req) => {
        await readBody(req);
        req.socket.destroy();
      });
      const error = await settle(open(op, { baseUrl: s.url }));
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).retryable).toBe(op.idempotent);
      expect(s.count(op.method, op.path)).toBe(attemptsFor(op));
    });

    it("connection reset in the middle of a 200 body is a NetworkError (retried when idempotent)", async () => {
      const s = await serve(async (req, res) => {
        await readBody(req);
        res.writeHead(op.okStatus, { "content-type": "application/json", "content-length": 1000 });
        res.write('{"contacts": [');
        setTimeout(() => res.socket?.destroy(), 10);
      });
      const error = await settle(open(op, { baseUrl: s.url }));
      expect(error).toBeInstanceOf(NetworkError);
      expect(s.count()).toBe(attemptsFor(op));
    });

    it("connection refused (nothing was sent): retried for GET and POST alike, then NetworkError ECONNREFUSED", async () => {
      const error = await settle(open(op, { baseUrl: await refusedUrl() }));
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).code).toBe("ECONNREFUSED");
      expect((error as NetworkError).retryable).toBe(true);
      expect((error as NetworkError).message).toContain(`after ${RETRY.maxAttempts} attempt(s)`);
    });

    it(`a server that never answers: TimeoutError after timeoutMs per attempt, ${op.idempotent ? "3 attempts" : "1 attempt"}`, async () => {
      const s = await serve(() => undefined);
      const started = Date.now();
      const error = await settle(open(op, { baseUrl: s.url, timeoutMs: 200 }));
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).timeoutMs).toBe(200);
      expect((error as TimeoutError).retryable).toBe(op.idempotent);
      expect((error as TimeoutError).message).toContain(`attempt ${attemptsFor(op)} got no answer within 200 ms`);
      expect(s.count(op.method, op.path)).toBe(attemptsFor(op));
      expect(elapsed).toBeGreaterThanOrEqual(200 * attemptsFor(op) - 5);
      expect(elapsed).toBeLessThan(200 * attemptsFor(op) + 2000);
    });

    it("deadlineMs bounds the whole call, retries included", async () => {
      const s = await serve(() => undefined);
      const started = Date.now();
      const error = await settle(
        open(op, { baseUrl: s.url, timeoutMs: 200, deadlineMs: 500, retry: { ...RETRY, maxAttempts: 10 } }),
      );
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      if (op.idempotent) {
        expect((error as TimeoutError).message).toContain("no answer within the 500 ms deadline");
        expect((error as TimeoutError).timeoutMs).toBe(500);
        expect(elapsed).toBeGreaterThanOrEqual(495);
        expect(elapsed).toBeLessThan(1500);
        // Attempts start at ~0, ~200 and ~400 ms; the deadline cuts the third. A busy machine may only start two.
        expect(s.count()).toBeGreaterThanOrEqual(2);
        expect(s.count()).toBeLessThanOrEqual(3);
      } else {
        expect((error as TimeoutError).message).toContain("attempt 1 got no answer within 200 ms");
        expect(s.count()).toBe(1);
      }
    });
  });
});

describe("429 on operations outside every rate-limit class (the token endpoints)", () => {
  const cases = [
    {
      label: "LINE WORKS 1.0 POST /oauth/token (getServiceToken)",
      open: (baseUrl: string) => {
        const client = createLineWorksV1Client({
          apiId: "kr1wwTrYrbIot",
          consumerKey: "ck",
          token: "t",
          baseUrl,
          retry: RETRY,
        });
        return {
          call: () => client.POST("/oauth/token", { body: serviceTokenBody as never }) as Promise<Result>,
          close: () => client.close(),
        };
      },
    },
    {
      label: "LINE WORKS 2.0 POST /token (issueAccessToken)",
      open: (baseUrl: string) => {
        const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl, retry: RETRY });
        return {
          call: () => client.POST("/token", { body: issueTokenBody as never }) as Promise<Result>,
          close: () => client.close(),
        };
      },
    },
  ];

  it.each(cases.map((c) => [c.label, c.open] as const))(
    "%s: a 429 is retried (it was not processed), once",
    async (_label, openCall) => {
      const s = await serve(async (req, res, i) => {
        await readBody(req);
        if (i === 0) sendJson(res, 429, { error: "too_many_requests" }, { "retry-after": 1 });
        else sendJson(res, 200, tokenAnswer);
      });
      const opened = openCall(s.url);
      clients.push(opened);
      const { data, error } = await opened.call();
      expect(error).toBeUndefined();
      expect(data).toEqual(tokenAnswer);
      expect(s.count("POST")).toBe(2);
    },
  );

  it.each(cases.map((c) => [c.label, c.open] as const))(
    "%s: the retry after a 429 waits for Retry-After",
    async (_label, openCall) => {
      let waitEnds = 0;
      const s = await serve(async (req, res, i) => {
        await readBody(req);
        if (i === 0) {
          sendJson(res, 429, { error: "too_many_requests" }, { "retry-after": 1 });
          waitEnds = Date.now() + 1000;
        } else sendJson(res, 200, tokenAnswer);
      });
      const opened = openCall(s.url);
      clients.push(opened);
      await opened.call();
      expect(s.requests[1]!.at).toBeGreaterThanOrEqual(waitEnds - SLACK_MS);
    },
  );

  it("with rateLimit: false the same 429 does wait for Retry-After (the transport sleeps itself)", async () => {
    let waitEnds = 0;
    const s = await serve(async (req, res, i) => {
      await readBody(req);
      if (i === 0) {
        sendJson(res, 429, { error: "too_many_requests" }, { "retry-after": 1 });
        waitEnds = Date.now() + 1000;
      } else sendJson(res, 200, tokenAnswer);
    });
    const client = createLineWorksV1Client({
      apiId: "kr1wwTrYrbIot",
      consumerKey: "ck",
      token: "t",
      baseUrl: s.url,
      retry: RETRY,
      rateLimit: false,
    });
    clients.push(client);
    const { error } = await client.POST("/oauth/token", { body: serviceTokenBody as never });
    expect(error).toBeUndefined();
    expect(s.requests[1]!.at).toBeGreaterThanOrEqual(waitEnds - SLACK_MS);
  });
});

describe("429 persisting past maxAttempts", () => {
  it.each(providers.map((pc) => [pc.provider, pc] as const))(
    "%s: RateLimitError after maxAttempts, retryable",
    async (_name, pc) => {
      const op = pc.ops[0]!;
      const s = await serve(async (req, res) => {
        await readBody(req);
        sendJson(res, 429, pc.rateLimitBody, { "retry-after": 0 });
      });
      const { error } = await open(op, { baseUrl: s.url })();
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error!.retryable).toBe(true);
      expect(s.count()).toBe(RETRY.maxAttempts);
    },
  );
});

describe("strict response validation and empty bodies", () => {
  it("validate.response 'strict' rejects an empty 200 where the spec requires a JSON body", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 0 });
      res.end();
    });
    const client = createChatworkClient({ token: "t", baseUrl: s.url, validate: { response: "strict" } });
    clients.push(client);
    await expect(client.GET("/me")).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe("very large and endless bodies", () => {
  afterAll(() => forceGc());

  it("an answer over maxResponseBytes is abandoned, declared length or chunked: ResponseValidationError maxBytes, not retried", async () => {
    for (const chunked of [false, true]) {
      const text = JSON.stringify({ ...me, introduction: "z".repeat(200_000) });
      const s = await serve((_req, res) => {
        res.writeHead(
          200,
          chunked
            ? { "content-type": "application/json" }
            : { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
        );
        if (chunked) for (let i = 0; i < text.length; i += 10_000) res.write(text.slice(i, i + 10_000));
        res.end(chunked ? undefined : text);
      });
      const client = createChatworkClient({ token: "t", baseUrl: s.url, retry: RETRY, maxResponseBytes: 100_000 });
      clients.push(client);
      const error = await settle(() => client.GET("/me"));
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect((error as ResponseValidationError).status).toBe(200);
      expect((error as ResponseValidationError).issues[0]).toMatchObject({
        rule: "maxBytes",
        params: { limit: 100_000 },
      });
      expect(s.count()).toBe(1);
    }
  });

  it("a 50 MB JSON answer is read whole and parsed under the default 64 MiB maxResponseBytes", async () => {
    const size = 50 * 1024 * 1024;
    const introduction = "x".repeat(size);
    const text = JSON.stringify({ ...me, introduction });
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
    const client = createChatworkClient({ token: "t", baseUrl: s.url, retry: RETRY, timeoutMs: 20_000 });
    clients.push(client);
    forceGc();
    const heapBefore = process.memoryUsage().heapUsed;
    let result: Result | undefined = await client.GET("/me");
    expect(result.error).toBeUndefined();
    expect((result.data as { introduction: string }).introduction.length).toBe(size);
    expect(s.count()).toBe(1);
    // Nothing of the 50 MB is retained by the client once the caller drops the result.
    result = undefined; // eslint-disable-line no-useless-assignment -- dropping the reference is what this test measures
    await new Promise((r) => setTimeout(r, 100)); // let the settled fetch's last references go
    forceGc();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
  });

  it("an endless body with timeoutMs: the call settles within a few seconds and the client closes the connection", async () => {
    let bytesSent = 0;
    let clientClosed = false;
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"introduction":"');
      const chunk = "y".repeat(64 * 1024);
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(chunk);
        bytesSent += chunk.length;
      }, 2);
      res.on("close", () => {
        clientClosed = true;
        clearInterval(timer);
      });
    });
    const client = createChatworkClient({ token: "t", baseUrl: s.url, retry: RETRY, timeoutMs: 300 });
    clients.push(client);
    const started = Date.now();
    const outcome = await settle(() => client.GET("/me"));
    const elapsed = Date.now() - started;
    expect(outcome).toBeInstanceOf(Error);
    expect(elapsed).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 50));
    expect(clientClosed).toBe(true);
    // Bounded by the time limit, not by a size guard: what arrived in 300 ms at most.
    expect(bytesSent).toBeLessThan(1024 * 1024 * 1024);
  });

  it("an endless body past timeoutMs is a TimeoutError, not a bare DOMException", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"introduction":"');
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write("y".repeat(1024))), 5);
      res.on("close", () => clearInterval(timer));
    });
    const client = createChatworkClient({ token: "t", baseUrl: s.url, retry: RETRY, timeoutMs: 300 });
    clients.push(client);
    const outcome = await settle(() => client.GET("/me"));
    expect(outcome).toBeInstanceOf(TimeoutError);
  });

  it("a stalled body past deadlineMs: settles near the deadline", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"a":');
    });
    const client = createChatworkClient({ token: "t", baseUrl: s.url, retry: RETRY, deadlineMs: 400 });
    clients.push(client);
    const started = Date.now();
    const outcome = await settle(() => client.GET("/me"));
    expect(outcome).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(395);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(outcome).toBeInstanceOf(TimeoutError);
  });
});

describe("LINE WORKS service-account token endpoint faults", () => {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const auth = (tokenUrl: string) =>
    serviceAccountAuth({
      clientId: "c",
      clientSecret: "s",
      serviceAccount: "sa",
      privateKey,
      scope: "contact",
      tokenUrl,
    });

  it("token endpoint 503: the call is rejected with a thrown ServerError; the token request is not retried and the API never called", async () => {
    const api = await serve(async (req, res) => {
      await readBody(req);
      if (req.url === "/token") sendJson(res, 503, { error: "temporarily_unavailable" });
      else sendJson(res, 200, { contacts: [], responseMetaData: { nextCursor: null } });
    });
    const client = createLineWorksClient({ auth: auth(`${api.url}/token`), baseUrl: api.url, retry: RETRY });
    clients.push(client);
    const error = await client.GET("/contacts").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(503);
    expect((error as ServerError).retryable).toBe(true);
    expect(api.count("POST", "/token")).toBe(1);
    expect(api.count("GET", "/contacts")).toBe(0);
  });

  it("a token endpoint that never answers is bounded by the call's deadline (deadlineMs)", async () => {
    const api = await serve(() => undefined);
    const client = createLineWorksClient({
      auth: auth(`${api.url}/token`),
      baseUrl: api.url,
      retry: RETRY,
      timeoutMs: 200,
      deadlineMs: 500,
    });
    clients.push(client);
    const started = Date.now();
    const outcome = await Promise.race([
      client.GET("/contacts").then(
        (r) => r,
        (e: unknown) => e,
      ),
      new Promise((resolve) => setTimeout(() => resolve("still pending after 3 s"), 3000)),
    ]);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
