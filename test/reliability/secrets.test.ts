// No secret in any error: a broad set of failing calls for every provider (HTTP 401/403/429/500, refused and reset
// connections, time-outs, invalid requests, LINE WORKS service-account and refresh-token failures, LINE attach with
// HTTP Basic, LINE WORKS API 1.0 consumer key), each error rendered every way a program or a log might render it:
// message, stack, util.inspect (showHidden, depth 10), JSON.stringify, and the same for every error in its `cause`
// chain. The secrets checked include what only the servers saw: the signed JWT assertion, the Basic credentials as
// sent, and the access tokens the token endpoint issued.
import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BizchatError, RequestValidationError } from "../../src/index.js";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import {
  createLineWorksClient,
  createLineWorksV1Client,
  refreshTokenAuth,
  serviceAccountAuth,
  type TokenProvider,
} from "../../src/lineworks/index.js";
import { readBody, refusedUrl, sendJson, startRawServer, warmUpFetch, type RawServer } from "../support/raw-server.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

const S = {
  chatworkToken: "cw-api-token-SECRET-4f1d9c0b7e2a",
  chatworkOAuth: "cw-oauth-access-SECRET-8b3e5a1f",
  lineToken: "line-channel-token-SECRET-c0ffee42",
  lineChannelSecret: "line-chan-secret-SECRET-77aa",
  lineClientSecretInBody: "line-body-client-secret-SECRET-91",
  lineAuthCode: "line-auth-code-SECRET-hWPQPrUC",
  worksToken: "works-static-token-SECRET-5e6f",
  worksClientSecret: "works-client-secret-SECRET-1a2b",
  worksRefreshToken: "works-refresh-token-SECRET-3c4d",
  v1ConsumerKey: "v1-consumer-key-SECRET-9z8y",
  v1ServerToken: "v1-server-token-SECRET-7x6w",
};
const LINE_CHANNEL_ID = "1653926534";
const basic = Buffer.from(`${LINE_CHANNEL_ID}:${S.lineChannelSecret}`).toString("base64");
/** Every line of the PEM, BEGIN/END included: none may appear in an error. */
const pemLines = privateKey.split("\n").filter((l) => l.trim());

/** Values only the servers saw (assertions, tokens they issued, credentials as sent): filled in as the tests run. */
const seenByServers = new Set<string>();

let api: RawServer;
let token: RawServer;
let issued = 0;
let refused: string;
const v1Bot = exampleCall(loadSpec("lineworks-v1"), "registerBot").body;
const issueTokenBody = exampleCall(loadSpec("lineworks"), "issueAccessToken").body;

beforeAll(async () => {
  await warmUpFetch();
  refused = await refusedUrl();
  // API server: the first path segment picks the fault (the client's baseUrl is `${api.url}/<fault>`).
  api = await startRawServer(async (req, res) => {
    const auth = req.headers.authorization;
    if (auth) seenByServers.add(auth.replace(/^(Bearer|Basic) /, ""));
    const fault = req.url!.split("/")[1]!;
    await readBody(req);
    switch (fault) {
      case "hang":
        return;
      case "reset":
        return void req.socket.destroy();
      case "401":
        return sendJson(
          res,
          401,
          {
            message: "Authentication failed",
            errors: ["Invalid API token"],
            errorCode: "024",
            error: "invalid_client",
          },
          { "www-authenticate": 'Bearer error="invalid_token"' },
        );
      case "403":
        return sendJson(res, 403, { message: "Forbidden", errors: ["forbidden"], errorCode: "042" });
      case "429":
        return sendJson(
          res,
          429,
          { message: "Too many requests", errors: ["Rate limit exceeded"], errorCode: "092" },
          { "retry-after": 0 },
        );
      case "400":
        return sendJson(res, 400, { error: "invalid_grant", error_description: "code is invalid" });
      case "malformed":
        res.writeHead(200, { "content-type": "application/json" });
        // A token endpoint answering with a bare token instead of JSON (a misconfigured proxy, say).
        return void res.end("at-BARE-SECRET-1234");
      default:
        return sendJson(res, 500, { message: "Internal error", errors: ["boom"], errorCode: "999" });
    }
  });
  // Token endpoint: the path picks the answer (tokenUrl = `${token.url}/<mode>`).
  token = await startRawServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    for (const field of ["assertion", "client_secret", "refresh_token"]) {
      const value = form.get(field);
      if (value) seenByServers.add(value);
    }
    const mode = req.url!.slice(1);
    switch (mode) {
      case "400":
        return sendJson(res, 400, { error: "invalid_grant", error_description: "The assertion is invalid" });
      case "401":
        return sendJson(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
      case "500":
        return sendJson(res, 500, { error: "server_error" });
      case "html500":
        res.writeHead(500, { "content-type": "text/html" });
        return void res.end("<html><body><h1>500 Internal Server Error</h1></body></html>");
      case "garbage":
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"access_token":"at-GARBAGE-SECRET-0001","expires_in":');
      case "no-token":
        return sendJson(res, 200, { token_type: "Bearer", expires_in: 3600 });
      case "reset":
        return void req.socket.destroy();
      default: {
        const accessToken = `at-ISSUED-SECRET-${++issued}-${Math.random().toString(36).slice(2)}`;
        seenByServers.add(accessToken);
        return sendJson(res, 200, {
          access_token: accessToken,
          refresh_token: `rt-ISSUED-SECRET-${issued}`,
          token_type: "Bearer",
          expires_in: 86400,
          scope: "contact",
        });
      }
    }
  });
});
afterAll(async () => {
  await api?.close();
  await token?.close();
});

const FAST = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 150 } as const;

function renderings(error: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  for (
    let current: unknown = error;
    current && typeof current === "object" && !seen.has(current);
    current = (current as { cause?: unknown }).cause
  ) {
    seen.add(current);
    const e = current as Error;
    out.push(String(e.message), String(e.stack), inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e) ?? "");
    try {
      out.push(String(e));
    } catch {
      // a DOMException and friends always stringify; nothing else to add
    }
  }
  return out;
}

function allSecrets(): string[] {
  return [...new Set([...Object.values(S), basic, `Basic ${basic}`, ...pemLines, ...seenByServers])].filter(
    (s) => s.length >= 8,
  );
}

function leaks(error: unknown): string[] {
  const texts = renderings(error);
  return allSecrets().filter((secret) => texts.some((t) => t.includes(secret)));
}

/** The error of a failing call: `error` of the result, or what it threw. */
async function failure(call: () => Promise<{ error?: unknown }>): Promise<unknown> {
  try {
    const { error } = await call();
    return error;
  } catch (e) {
    return e;
  }
}

interface Case {
  label: string;
  run: () => Promise<unknown>;
}

function check(cases: Case[]) {
  it.each(cases.map((c) => [c.label, c.run] as const))("%s", async (_label, run) => {
    const error = await run();
    expect(error).toBeInstanceOf(BizchatError);
    expect(leaks(error)).toEqual([]);
  });
}

const faults = ["401", "403", "429", "500", "reset", "hang"] as const;

describe("Chatwork (API token and OAuth access token)", () => {
  const cases: Case[] = [];
  for (const fault of faults) {
    cases.push({
      label: `API token, GET /me → ${fault}`,
      run: () =>
        failure(() =>
          createChatworkClient({ token: S.chatworkToken, baseUrl: `${api.url}/${fault}`, ...FAST }).GET("/me"),
        ),
    });
    cases.push({
      label: `OAuth token (function), POST message → ${fault}`,
      run: () =>
        failure(() =>
          createChatworkClient({ accessToken: () => S.chatworkOAuth, baseUrl: `${api.url}/${fault}`, ...FAST }).POST(
            "/rooms/{room_id}/messages",
            {
              params: { path: { room_id: 1 } },
              body: { body: "hi" },
            },
          ),
        ),
    });
  }
  cases.push({
    label: "connection refused",
    run: () => failure(() => createChatworkClient({ token: S.chatworkToken, baseUrl: refused, ...FAST }).GET("/me")),
  });
  cases.push({
    label: "deadline",
    run: () =>
      failure(() =>
        createChatworkClient({ token: S.chatworkToken, baseUrl: `${api.url}/hang`, deadlineMs: 120 }).GET("/me"),
      ),
  });
  cases.push({
    label: "validation error with the token as the value of invalid fields",
    run: () =>
      failure(() =>
        createChatworkClient({ token: S.chatworkToken, baseUrl: api.url }).POST("/rooms/{room_id}/messages", {
          params: { path: { room_id: S.chatworkToken as never } },
          body: { body: "", self_unread: S.chatworkToken as never },
        }),
      ),
  });
  check(cases);
});

describe("LINE (channel access token; attach with HTTP Basic or body credentials)", () => {
  const attachBody = {
    grant_type: "authorization_code",
    code: S.lineAuthCode,
    redirect_uri: "https://example.co.jp/line/cb",
  } as const;
  const cases: Case[] = [];
  for (const fault of faults) {
    cases.push({
      label: `Bearer, GET /v2/bot/list → ${fault}`,
      run: () =>
        failure(() =>
          createLineClient({ channelAccessToken: S.lineToken, baseUrl: `${api.url}/${fault}`, ...FAST }).GET(
            "/v2/bot/list",
          ),
        ),
    });
    cases.push({
      label: `Basic, attach → ${fault}`,
      run: () =>
        failure(() =>
          createLineClient({
            channelAccessToken: S.lineToken,
            channelId: LINE_CHANNEL_ID,
            channelSecret: S.lineChannelSecret,
            baseUrl: `${api.url}/${fault}`,
            ...FAST,
          }).POST("/module/auth/v1/token", { body: attachBody }),
        ),
    });
  }
  cases.push({
    label: "body credentials, attach → 400 invalid_grant",
    run: () =>
      failure(() =>
        createLineClient({ baseUrl: `${api.url}/400`, ...FAST }).POST("/module/auth/v1/token", {
          body: { ...attachBody, client_id: LINE_CHANNEL_ID, client_secret: S.lineClientSecretInBody },
        }),
      ),
  });
  cases.push({
    label: "validation error: client_secret without client_id",
    run: () =>
      failure(() =>
        createLineClient({ baseUrl: api.url }).POST("/module/auth/v1/token", {
          body: { ...attachBody, client_secret: S.lineClientSecretInBody },
        }),
      ),
  });
  cases.push({
    label: "Basic, attach → connection refused",
    run: () =>
      failure(() =>
        createLineClient({
          channelId: LINE_CHANNEL_ID,
          channelSecret: S.lineChannelSecret,
          baseUrl: refused,
          ...FAST,
        }).POST("/module/auth/v1/token", { body: attachBody }),
      ),
  });
  check(cases);

  it("the Basic credentials the server received are the ones checked above", async () => {
    const client = createLineClient({
      channelId: LINE_CHANNEL_ID,
      channelSecret: S.lineChannelSecret,
      baseUrl: `${api.url}/500`,
      retry: false,
    });
    await client.POST("/module/auth/v1/token", { body: attachBody });
    expect(api.requests.at(-1)!.headers.authorization).toBe(`Basic ${basic}`);
    await client.close();
  });
});

describe("LINE WORKS 2.0", () => {
  const sa = (mode: string): TokenProvider =>
    serviceAccountAuth({
      clientId: "client-abc",
      clientSecret: S.worksClientSecret,
      serviceAccount: "svc.serviceaccount@example.co.jp",
      privateKey,
      scope: "contact",
      tokenUrl: `${token.url}/${mode}`,
    });
  const rt = (mode: string): TokenProvider =>
    refreshTokenAuth({
      clientId: "client-abc",
      clientSecret: S.worksClientSecret,
      refreshToken: S.worksRefreshToken,
      tokenUrl: `${token.url}/${mode}`,
    });
  const cases: Case[] = [];
  for (const fault of faults) {
    cases.push({
      label: `static access token, GET /contacts → ${fault}`,
      run: () =>
        failure(() =>
          createLineWorksClient({ auth: { accessToken: S.worksToken }, baseUrl: `${api.url}/${fault}`, ...FAST }).GET(
            "/contacts",
          ),
        ),
    });
    cases.push({
      label: `service account (token issued), GET /contacts → ${fault}`,
      run: () =>
        failure(() =>
          createLineWorksClient({ auth: sa("ok"), baseUrl: `${api.url}/${fault}`, ...FAST }).GET("/contacts"),
        ),
    });
  }
  for (const mode of ["400", "401", "500", "html500", "garbage", "no-token", "reset"]) {
    cases.push({
      label: `service account, token endpoint → ${mode}`,
      run: () =>
        failure(() => createLineWorksClient({ auth: sa(mode), baseUrl: `${api.url}/500`, ...FAST }).GET("/contacts")),
    });
    cases.push({
      label: `refresh token, token endpoint → ${mode}`,
      run: () =>
        failure(() => createLineWorksClient({ auth: rt(mode), baseUrl: `${api.url}/500`, ...FAST }).GET("/contacts")),
    });
  }
  cases.push({
    label: "service account, token endpoint refused",
    run: () =>
      failure(() =>
        createLineWorksClient({
          auth: serviceAccountAuth({
            clientId: "c",
            clientSecret: S.worksClientSecret,
            serviceAccount: "s",
            privateKey,
            scope: "contact",
            tokenUrl: refused,
          }),
          baseUrl: api.url,
        }).GET("/contacts"),
      ),
  });
  cases.push({
    label: "service account, a corrupted private key",
    run: () =>
      failure(() =>
        createLineWorksClient({
          auth: serviceAccountAuth({
            clientId: "c",
            clientSecret: S.worksClientSecret,
            serviceAccount: "s",
            privateKey: privateKey.replace(/[A-Za-z]{8}\n/, "!!!!!!!!\n"),
            scope: "contact",
            tokenUrl: `${token.url}/ok`,
          }),
          baseUrl: api.url,
        }).GET("/contacts"),
      ),
  });
  cases.push({
    label: "refresh token provider used directly (getToken) → 400",
    run: () =>
      rt("400")
        .getToken()
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
  });
  cases.push({
    label: "issueAccessToken operation (client_secret and assertion in the body) → 401",
    run: () =>
      failure(() =>
        createLineWorksClient({ auth: { accessToken: S.worksToken }, baseUrl: `${api.url}/401`, ...FAST }).POST(
          "/token",
          { body: { ...(issueTokenBody as object), client_secret: S.worksClientSecret } as never },
        ),
      ),
  });
  check(cases);

  it("the servers really saw the assertion, the client secret, the refresh token and the issued tokens", () => {
    const jwt = [...seenByServers].filter((s) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(s));
    expect(jwt.length).toBeGreaterThan(0);
    expect(seenByServers.has(S.worksClientSecret)).toBe(true);
    expect(seenByServers.has(S.worksRefreshToken)).toBe(true);
    expect([...seenByServers].some((s) => s.startsWith("at-ISSUED-SECRET-"))).toBe(true);
  });

  it("a non-JSON 200 from the issueAccessToken operation does not carry the body text into the error", async () => {
    const error = await failure(() =>
      createLineWorksClient({ auth: { accessToken: S.worksToken }, baseUrl: `${api.url}/malformed`, ...FAST }).POST(
        "/token",
        { body: issueTokenBody as never },
      ),
    );
    // Today: a bare SyntaxError whose message quotes the answer — `Unexpected token 'a', "at-BARE-SECRET-1234" is not valid JSON`.
    expect(renderings(error).some((t) => t.includes("at-BARE-SECRET-1234"))).toBe(false);
  });
});

describe("LINE WORKS 1.0 (consumer key + server token)", () => {
  const cases: Case[] = [];
  for (const fault of faults) {
    cases.push({
      label: `registerBot → ${fault}`,
      run: () =>
        failure(() =>
          createLineWorksV1Client({
            apiId: "kr1wwTrYrbIot",
            consumerKey: S.v1ConsumerKey,
            token: S.v1ServerToken,
            baseUrl: `${api.url}/${fault}`,
            ...FAST,
          }).POST("/message/registerBot/v4", {
            body: v1Bot as never,
          }),
        ),
    });
  }
  cases.push({
    label: "registerBot → connection refused",
    run: () =>
      failure(() =>
        createLineWorksV1Client({
          apiId: "kr1wwTrYrbIot",
          consumerKey: S.v1ConsumerKey,
          token: S.v1ServerToken,
          baseUrl: refused,
          ...FAST,
        }).POST("/message/registerBot/v4", { body: v1Bot as never }),
      ),
  });
  cases.push({
    label: "registerBot validation error (consumer key as the bot name)",
    run: () =>
      failure(() =>
        createLineWorksV1Client({
          apiId: "kr1wwTrYrbIot",
          consumerKey: S.v1ConsumerKey,
          token: S.v1ServerToken,
          baseUrl: api.url,
        }).POST("/message/registerBot/v4", {
          body: { ...(v1Bot as object), name: S.v1ConsumerKey.repeat(10), managerList: [] } as never,
        }),
      ),
  });
  check(cases);

  it("the server received the consumer key header (so the check above is meaningful)", async () => {
    const client = createLineWorksV1Client({
      apiId: "kr1wwTrYrbIot",
      consumerKey: S.v1ConsumerKey,
      token: S.v1ServerToken,
      baseUrl: `${api.url}/500`,
      retry: false,
    });
    await client.POST("/message/registerBot/v4", { body: v1Bot as never });
    expect(api.requests.at(-1)!.headers.consumerkey).toBe(S.v1ConsumerKey);
    await client.close();
  });
});

describe("the checker itself", () => {
  it("finds a secret in a nested cause, in a hidden property and in an inspected field", () => {
    const inCause = new BizchatError("outer", { provider: "chatwork", cause: new Error(`inner ${S.chatworkToken}`) });
    expect(leaks(inCause)).toEqual([S.chatworkToken]);
    const hidden = new BizchatError("x", { provider: "line" });
    Object.defineProperty(hidden, "secretField", { value: S.lineToken, enumerable: false });
    expect(leaks(hidden)).toEqual([S.lineToken]);
    const field = Object.assign(new RequestValidationError("op", "lineworks", []), { extra: { pem: pemLines[3] } });
    expect(leaks(field)).toEqual([pemLines[3]]);
  });
});
