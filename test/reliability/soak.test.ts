// Soak: 20,000 calls (GET and POST, three providers, 50 at a time) against one local server that injects a fault
// into 10 % of the requests it receives. Every call must settle, with data or a BizchatError subclass; each call's
// outcome must be exactly what its last served response dictates, and its retries exactly what the retry policy
// allows (the server records every attempt of every call by an x-call-id header); no unhandled rejection; bounded
// heap. Figures are printed so they can be quoted.
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ApiError, BizchatError, NetworkError, RateLimitError, ServerError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { createLineWorksClient } from "../../src/lineworks/index.js";
import { forceGc, readBody, sendJson, startRawServer, warmUpFetch, type RawServer } from "../support/raw-server.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";
import { prng } from "../support/prng.js";

const CALLS = Number(process.env.SOAK_CALLS ?? 20_000);
const CONCURRENCY = 50;
const FAULT_RATE = 0.1;
const RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 };

const SEED = Number(process.env.SOAK_SEED ?? 20_260_505);
const random = prng(SEED);

type Kind = "ok" | "slow" | "500" | "503" | "429-retry-after-0" | "429-reset" | "reset" | "malformed";
const FAULTS: Kind[] = ["500", "503", "429-retry-after-0", "429-reset", "reset", "malformed", "slow"];
const RETRYABLE_FOR_IDEMPOTENT = new Set<Kind>(["500", "503", "429-retry-after-0", "429-reset", "reset"]);
const RETRYABLE_FOR_POST = new Set<Kind>(["429-retry-after-0", "429-reset"]);

const contactBody = exampleCall(loadSpec("lineworks"), "createContact").body;
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

interface Route {
  provider: "chatwork" | "line" | "lineworks";
  status: number;
  body: string;
  errorBody: (status: number) => unknown;
  /** The provider's 429 with a reset 0–1 s ahead (Chatwork: unix seconds; LINE WORKS: seconds, with Retry-After 0 winning). */
  tooMany: (res: ServerResponse) => void;
}

const chatworkRoute = (body: unknown): Route => ({
  provider: "chatwork",
  status: 200,
  body: JSON.stringify(body),
  errorBody: () => ({ errors: ["soak fault"] }),
  tooMany: (res) =>
    sendJson(
      res,
      429,
      { errors: ["Rate limit exceeded"] },
      {
        "x-ratelimit-limit": 300,
        "x-ratelimit-remaining": 0,
        "x-ratelimit-reset": Math.floor(Date.now() / 1000) + (random() < 0.5 ? 0 : 1),
      },
    ),
});
const lineRoute = (body: unknown): Route => ({
  provider: "line",
  status: 200,
  body: JSON.stringify(body),
  errorBody: () => ({ message: "soak fault" }),
  // LINE sends no reset header: Retry-After 0 only (a 1 s Retry-After would hold the whole 2,000/s bucket).
  tooMany: (res) => sendJson(res, 429, { message: "rate limited" }, { "retry-after": 0 }),
});
const lineworksRoute = (status: number, body: unknown): Route => ({
  provider: "lineworks",
  status,
  body: JSON.stringify(body),
  errorBody: (s) => ({
    code: s === 429 ? "TOO_MANY_REQUESTS" : s === 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR",
    description: "soak fault",
  }),
  tooMany: (res) =>
    sendJson(
      res,
      429,
      { code: "TOO_MANY_REQUESTS", description: "rate limited" },
      {
        "retry-after": 0,
        "RateLimit-Limit": 1_000_000,
        "RateLimit-Remaining": 0,
        "RateLimit-Reset": random() < 0.5 ? 0 : 1,
      },
    ),
});

function routeFor(method: string, url: string): Route {
  if (url === "/me") return chatworkRoute(me);
  if (url.startsWith("/rooms/")) return chatworkRoute({ message_id: "1928374655918273645" });
  if (url === "/v2/bot/list") return lineRoute({ bots: [] });
  if (url === "/shop/v3/mission") return lineRoute({});
  if (url === "/contacts")
    return method === "GET"
      ? lineworksRoute(200, { contacts: [], responseMetaData: { nextCursor: null } })
      : lineworksRoute(201, { ...(contactBody as object), contactId: "c-1" });
  throw new Error(`unexpected ${method} ${url}`);
}

const served = new Map<string, Kind[]>();
const faultCounts: Record<string, number> = {};
let server: RawServer;

beforeAll(async () => {
  await warmUpFetch();
  server = await startRawServer(async (req, res) => {
    const callId = String(req.headers["x-call-id"]);
    await readBody(req);
    const route = routeFor(req.method!, req.url!);
    const kind: Kind = random() < FAULT_RATE ? FAULTS[Math.floor(random() * FAULTS.length)]! : "ok";
    faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
    const kinds = served.get(callId) ?? [];
    kinds.push(kind);
    served.set(callId, kinds);
    switch (kind) {
      case "ok":
        res.writeHead(route.status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(route.body),
        });
        return void res.end(route.body);
      case "slow":
        await new Promise((r) => setTimeout(r, 20 + Math.floor(random() * 180)));
        res.writeHead(route.status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(route.body),
        });
        return void res.end(route.body);
      case "500":
      case "503":
        return sendJson(res, Number(kind), route.errorBody(Number(kind)));
      case "429-retry-after-0":
        return sendJson(res, 429, route.errorBody(429), { "retry-after": 0 });
      case "429-reset":
        return route.tooMany(res);
      case "reset":
        return void req.socket.destroy();
      case "malformed":
        res.writeHead(route.status, { "content-type": "application/json", "content-length": 5 });
        return void res.end('{"a":');
    }
  });
});
afterAll(async () => {
  await server?.close();
});

type Outcome = { kind: "data" } | { kind: "error"; error: unknown } | { kind: "thrown"; error: unknown };

it(`${CALLS} mixed calls with ${FAULT_RATE * 100} % injected faults all settle as data or typed errors, exactly as the retry policy says`, async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);

  const common = { baseUrl: server.url, retry: RETRY, timeoutMs: 4000 };
  const chatwork = createChatworkClient({ token: "soak-token", ...common, rateLimit: false });
  const line = createLineClient({ channelAccessToken: "soak-token", ...common });
  const lineworks = createLineWorksClient({
    auth: { accessToken: "soak-token" },
    ...common,
    rateLimit: { classes: { default: { limit: 1_000_000 } } },
  });

  type Call = { idempotent: boolean; run: (headers: Record<string, string>) => Promise<{ error?: unknown }> };
  const kinds: Call[] = [
    { idempotent: true, run: (headers) => chatwork.GET("/me", { headers }) },
    {
      idempotent: false,
      run: (headers) =>
        chatwork.POST("/rooms/{room_id}/messages", {
          params: { path: { room_id: 1 + Math.floor(random() * 50) } },
          body: { body: "soak" },
          headers,
        }),
    },
    { idempotent: true, run: (headers) => line.GET("/v2/bot/list", { headers }) },
    {
      idempotent: false,
      run: (headers) =>
        line.POST("/shop/v3/mission", {
          body: {
            to: "U2714aa3b2407b75341f3f170fc4151b9",
            productId: "1",
            productType: "STICKER",
            sendPresentMessage: false,
          },
          headers,
        }),
    },
    { idempotent: true, run: (headers) => lineworks.GET("/contacts", { headers }) },
    { idempotent: false, run: (headers) => lineworks.POST("/contacts", { body: contactBody as never, headers }) },
  ];

  async function runMany(count: number, offset: number): Promise<Outcome[]> {
    const outcomes = new Array<Outcome>(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const call = kinds[(offset + i) % kinds.length]!;
        try {
          const { error } = await call.run({ "x-call-id": String(offset + i) });
          outcomes[i] = error === undefined ? { kind: "data" } : { kind: "error", error };
        } catch (error) {
          outcomes[i] = { kind: "thrown", error };
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return outcomes;
  }

  // Warm up (JIT, sockets, limiter buckets), then measure the heap from a collected baseline.
  const WARM = 600;
  await runMany(WARM, -WARM);
  server.requests.length = 0;
  forceGc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;

  const started = performance.now();
  const outcomes = await runMany(CALLS, 0);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 50));

  // Count outcomes by class, and check each against what the server served to that call.
  const byClass: Record<string, number> = {};
  const mismatches: string[] = [];
  let attempts = 0;
  for (let i = 0; i < CALLS; i++) {
    const outcome = outcomes[i];
    const call = kinds[i % kinds.length]!;
    const history = served.get(String(i)) ?? [];
    attempts += history.length;
    if (!outcome) {
      mismatches.push(`call ${i}: never settled`);
      continue;
    }
    const name =
      outcome.kind === "data"
        ? "data"
        : `${outcome.kind === "thrown" ? "throws " : ""}${(outcome.error as Error)?.constructor?.name}`;
    byClass[name] = (byClass[name] ?? 0) + 1;

    // Retry policy, from the server's record of this call's attempts.
    const retryable = call.idempotent ? RETRYABLE_FOR_IDEMPOTENT : RETRYABLE_FOR_POST;
    const last = history[history.length - 1];
    if (history.length === 0 || history.length > RETRY.maxAttempts)
      mismatches.push(`call ${i}: ${history.length} attempts`);
    if (history.slice(0, -1).some((k) => !retryable.has(k)))
      mismatches.push(`call ${i}: retried after ${history.join(",")}`);
    if (history.length < RETRY.maxAttempts && last && retryable.has(last))
      mismatches.push(`call ${i}: gave up after ${history.join(",")}`);

    // The outcome the last served response dictates.
    const expected =
      last === "ok" || last === "slow"
        ? "data"
        : last === "500" || last === "503"
          ? "ServerError"
          : last === "429-retry-after-0" || last === "429-reset"
            ? "RateLimitError"
            : last === "reset"
              ? "throws NetworkError"
              : "throws ResponseValidationError"; // malformed JSON: typed, with rule "json"
    if (name !== expected) mismatches.push(`call ${i}: ${history.join(",")} → ${name}, expected ${expected}`);
    if (outcome.kind === "error") {
      const error = outcome.error;
      if (!(error instanceof ApiError) || !(error instanceof ServerError || error instanceof RateLimitError))
        mismatches.push(`call ${i}: error ${name}`);
    }
    if (outcome.kind === "thrown" && !(outcome.error instanceof BizchatError)) {
      mismatches.push(`call ${i}: threw ${String(outcome.error)}`);
    }
    if (
      outcome.kind === "thrown" &&
      outcome.error instanceof NetworkError &&
      outcome.error.retryable !== call.idempotent
    )
      mismatches.push(`call ${i}: retryable flag`);
  }

  const malformedLast = [...Array(CALLS).keys()].filter((i) => served.get(String(i))?.at(-1) === "malformed").length;

  // Heap after settling, with the test's own records (outcomes, the server's per-call log) released: what is
  // left is what the clients, limiter and sockets retain.
  outcomes.length = 0;
  served.clear();
  server.requests.length = 0;
  forceGc();
  const heapAfter = process.memoryUsage().heapUsed;
  const rssAfter = process.memoryUsage().rss;

  process.off("unhandledRejection", onUnhandled);
  await chatwork.close();
  await line.close();
  await lineworks.close();

  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    [
      `soak: ${CALLS} calls (seed ${SEED}), concurrency ${CONCURRENCY}, ${seconds.toFixed(1)} s, ${Math.round(CALLS / seconds)} calls/s`,
      `  requests served ${attempts} (${attempts - CALLS} retries); served kinds ${JSON.stringify(faultCounts)}`,
      `  outcomes ${JSON.stringify(byClass)}`,
      `  heap ${mb(heapBefore)} MB → ${mb(heapAfter)} MB (${heapAfter >= heapBefore ? "+" : ""}${mb(heapAfter - heapBefore)} MB), rss ${mb(rssBefore)} → ${mb(rssAfter)} MB`,
      `  unhandled rejections ${unhandled.length}; policy/outcome mismatches ${mismatches.length}`,
    ].join("\n"),
  );

  expect(mismatches.slice(0, 20)).toEqual([]);
  expect(unhandled).toEqual([]);
  expect(Object.values(byClass).reduce((a, b) => a + b, 0)).toBe(CALLS);
  // Malformed bodies come back typed: exactly the calls whose last answer was the malformed body.
  expect(byClass["throws ResponseValidationError"] ?? 0).toBe(malformedLast);
  expect(byClass["throws SyntaxError"]).toBeUndefined();
  // Faults really were injected and retried, and each class of outcome occurred (a RateLimitError needs three
  // 429s in a row, about one call in 10^5: it is not required here).
  expect(attempts - CALLS).toBeGreaterThan(CALLS * FAULT_RATE * 0.3);
  for (const name of ["data", "ServerError", "throws NetworkError"]) expect(byClass[name] ?? 0).toBeGreaterThan(0);
  expect(heapAfter - heapBefore).toBeLessThan(32 * 1024 * 1024);
}, 180_000);
