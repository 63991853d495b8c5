// No credential in any event payload: the secrets suite's failing calls (every provider and credential kind, HTTP
// 401/403/429/500, resets, time-outs, refused connections, token endpoints that fail) run with a listener on every
// event, and each payload is rendered as a log would render it (util.inspect with hidden fields, JSON).
import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import {
  createLineWorksClient,
  createLineWorksV1Client,
  refreshTokenAuth,
  serviceAccountAuth,
} from "../../src/lineworks/index.js";
import type { ClientEvents } from "../../src/runtime/events.js";
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
  worksToken: "works-static-token-SECRET-5e6f",
  worksClientSecret: "works-client-secret-SECRET-1a2b",
  worksRefreshToken: "works-refresh-token-SECRET-3c4d",
  v1ConsumerKey: "v1-consumer-key-SECRET-9z8y",
  v1ServerToken: "v1-server-token-SECRET-7x6w",
};
const LINE_CHANNEL_ID = "1653926534";
const basic = Buffer.from(`${LINE_CHANNEL_ID}:${S.lineChannelSecret}`).toString("base64");
const seenByServers = new Set<string>();
const EVENTS = ["request", "response", "retry", "rateLimitWait", "tokenRenewal", "error"] as const;
const FAST = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 150 } as const;
const faults = ["401", "403", "429", "500", "reset", "hang"] as const;

let api: RawServer;
let token: RawServer;
let refused: string;
let issued = 0;
const v1Bot = exampleCall(loadSpec("lineworks-v1"), "registerBot").body;

beforeAll(async () => {
  await warmUpFetch();
  refused = await refusedUrl();
  api = await startRawServer(async (req, res) => {
    const auth = req.headers.authorization;
    if (auth) seenByServers.add(auth.replace(/^(Bearer|Basic) /, ""));
    const fault = req.url!.split("/")[1]!;
    await readBody(req);
    if (fault === "hang") return;
    if (fault === "reset") return void req.socket.destroy();
    const status = Number(fault) || 500;
    sendJson(res, status, { message: "failed", errors: ["failed"] }, status === 429 ? { "retry-after": 0 } : {});
  });
  token = await startRawServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    for (const field of ["assertion", "client_secret", "refresh_token"]) {
      const value = form.get(field);
      if (value) seenByServers.add(value);
    }
    const mode = req.url!.slice(1);
    if (mode === "reset") return void req.socket.destroy();
    if (mode !== "ok") return sendJson(res, Number(mode), { error: "invalid_grant" });
    const accessToken = `at-ISSUED-SECRET-${++issued}-${Math.random().toString(36).slice(2)}`;
    seenByServers.add(accessToken);
    sendJson(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 86400 });
  });
});
afterAll(async () => {
  await api?.close();
  await token?.close();
});

type AnyClient = {
  on<N extends keyof ClientEvents>(name: N, listener: (event: ClientEvents[N]) => void): void;
  close(): Promise<void>;
};

interface Case {
  label: string;
  client: () => AnyClient;
  call: (client: never) => Promise<unknown>;
}

function secrets(): string[] {
  return [...new Set([...Object.values(S), basic, ...seenByServers, ...privateKey.split("\n")])].filter(
    (s) => s.trim().length >= 8,
  );
}

function check(cases: Case[]) {
  it.each(cases.map((c) => [c.label, c] as const))("%s", async (_label, c) => {
    const client = c.client();
    const payloads: unknown[] = [];
    for (const name of EVENTS) client.on(name, (event) => payloads.push(event));
    await c.call(client as never).catch(() => undefined);
    await client.close();
    expect(payloads.length).toBeGreaterThan(0);
    const texts = payloads.flatMap((p) => [inspect(p, { depth: 10, showHidden: true }), JSON.stringify(p)]);
    expect(secrets().filter((secret) => texts.some((t) => t.includes(secret)))).toEqual([]);
  });
}

describe("Chatwork", () => {
  const cases: Case[] = [];
  for (const fault of [...faults, "refused"]) {
    const baseUrl = () => (fault === "refused" ? refused : `${api.url}/${fault}`);
    cases.push({
      label: `API token, GET /me → ${fault}`,
      client: () => createChatworkClient({ token: S.chatworkToken, baseUrl: baseUrl(), ...FAST }),
      call: (c: ReturnType<typeof createChatworkClient>) => c.GET("/me"),
    });
    cases.push({
      label: `OAuth token (function), POST message → ${fault}`,
      client: () => createChatworkClient({ accessToken: () => S.chatworkOAuth, baseUrl: baseUrl(), ...FAST }),
      call: (c: ReturnType<typeof createChatworkClient>) =>
        c.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 1 } }, body: { body: "hi" } }),
    });
  }
  cases.push({
    label: "validation error with the token as the value of invalid fields",
    client: () => createChatworkClient({ token: S.chatworkToken, baseUrl: api.url }),
    call: (c: ReturnType<typeof createChatworkClient>) =>
      c.POST("/rooms/{room_id}/messages", {
        params: { path: { room_id: S.chatworkToken as never } },
        body: { body: "", self_unread: S.chatworkToken as never },
      }),
  });
  check(cases);
});

describe("LINE (Bearer and HTTP Basic)", () => {
  const attachBody = { grant_type: "authorization_code", code: "c", redirect_uri: "https://example.co.jp/cb" } as const;
  const cases: Case[] = [];
  for (const fault of faults) {
    cases.push({
      label: `Bearer, GET /v2/bot/list → ${fault}`,
      client: () => createLineClient({ channelAccessToken: S.lineToken, baseUrl: `${api.url}/${fault}`, ...FAST }),
      call: (c: ReturnType<typeof createLineClient>) => c.GET("/v2/bot/list"),
    });
    cases.push({
      label: `Basic, attach → ${fault}`,
      client: () =>
        createLineClient({
          channelId: LINE_CHANNEL_ID,
          channelSecret: S.lineChannelSecret,
          baseUrl: `${api.url}/${fault}`,
          ...FAST,
        }),
      call: (c: ReturnType<typeof createLineClient>) => c.POST("/module/auth/v1/token", { body: attachBody }),
    });
  }
  check(cases);
});

describe("LINE WORKS 2.0 and 1.0", () => {
  const sa = (mode: string) =>
    serviceAccountAuth({
      clientId: "client-abc",
      clientSecret: S.worksClientSecret,
      serviceAccount: "svc.serviceaccount@example.co.jp",
      privateKey,
      scope: "contact",
      tokenUrl: `${token.url}/${mode}`,
    });
  const rt = (mode: string) =>
    refreshTokenAuth({
      clientId: "client-abc",
      clientSecret: S.worksClientSecret,
      refreshToken: S.worksRefreshToken,
      tokenUrl: `${token.url}/${mode}`,
    });
  const cases: Case[] = [];
  for (const fault of faults) {
    cases.push({
      label: `static token, GET /contacts → ${fault}`,
      client: () =>
        createLineWorksClient({ auth: { accessToken: S.worksToken }, baseUrl: `${api.url}/${fault}`, ...FAST }),
      call: (c: ReturnType<typeof createLineWorksClient>) => c.GET("/contacts"),
    });
    cases.push({
      label: `service account (token issued, renewal event), GET /contacts → ${fault}`,
      client: () => createLineWorksClient({ auth: sa("ok"), baseUrl: `${api.url}/${fault}`, ...FAST }),
      call: (c: ReturnType<typeof createLineWorksClient>) => c.GET("/contacts"),
    });
    cases.push({
      label: `API 1.0 consumer key, registerBot → ${fault}`,
      client: () =>
        createLineWorksV1Client({
          apiId: "kr1wwTrYrbIot",
          consumerKey: S.v1ConsumerKey,
          token: S.v1ServerToken,
          baseUrl: `${api.url}/${fault}`,
          ...FAST,
        }),
      call: (c: ReturnType<typeof createLineWorksV1Client>) =>
        c.POST("/message/registerBot/v4", { body: v1Bot as never }),
    });
  }
  for (const mode of ["400", "401", "500", "reset"]) {
    cases.push({
      label: `refresh token, token endpoint → ${mode}`,
      client: () => createLineWorksClient({ auth: rt(mode), baseUrl: `${api.url}/500`, ...FAST }),
      call: (c: ReturnType<typeof createLineWorksClient>) => c.GET("/contacts"),
    });
  }
  check(cases);

  it("the servers really saw the credentials checked above", () => {
    for (const secret of [S.worksClientSecret, S.worksRefreshToken, S.lineToken, basic, S.worksToken])
      expect(seenByServers.has(secret)).toBe(true);
    expect([...seenByServers].some((s) => s.startsWith("at-ISSUED-SECRET-"))).toBe(true);
  });
});
