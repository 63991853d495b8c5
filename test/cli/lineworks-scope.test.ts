// `bizchat call lineworks <operation>` with a service account, as users run it: the BUILT CLI
// (dist/src/cli/main.js, from `npm run build`, which `npm test` runs first) in a child process, against a local
// LINE WORKS token endpoint (LINEWORKS_TOKEN_URL) and a local API server (--base-url). The token request must ask
// for the scopes the operation's spec names (a Bot API call with a `contact` token is refused 403), unless
// LINEWORKS_SCOPE says otherwise; nothing the CLI prints may carry the client secret, the private key or a token.
import { generateKeyPairSync } from "node:crypto";
import { importSPKI, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { requireBuiltCli, runCli, type Run } from "./built-cli.js";

const CLIENT_ID = "scope-test-client";
const CLIENT_SECRET = "scope-SECRET-client-4b7e2d";
const SERVICE_ACCOUNT = "abcde.serviceaccount@example.co.jp";
const ACCESS_TOKEN = "scope-SECRET-access-token-c19a";
const USER = "userf7da-f82c-4284-13e7-030f3b4c756x";
const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
/** The key's base64 body, without the PEM armour lines: no part of it may be printed. */
const KEY_BODY = privateKey.split("\n").slice(1, -2).join("");

let tokens: FaultServer;
let api: FaultServer;

/** The service-account environment (and no other credential from the test process), plus `extra`. */
const serviceAccountEnv = (extra: Record<string, string>): Record<string, string> => ({
  LINEWORKS_CLIENT_ID: CLIENT_ID,
  LINEWORKS_CLIENT_SECRET: CLIENT_SECRET,
  LINEWORKS_SERVICE_ACCOUNT: SERVICE_ACCOUNT,
  LINEWORKS_PRIVATE_KEY: privateKey,
  LINEWORKS_TOKEN_URL: `${tokens.url}/oauth2/v2.0/token`,
  ...extra,
});

const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: serviceAccountEnv(extra) });

/** `call lineworks …` against the local API server, with --verbose so every event is printed too. */
const call = (operation: string, params: string[], extra: Record<string, string> = {}, body?: unknown) =>
  run(
    [
      "call",
      "lineworks",
      operation,
      ...params.flatMap((p) => ["-p", p]),
      ...(body === undefined ? [] : ["--body", JSON.stringify(body)]),
      "--base-url",
      api.url,
      "--verbose",
    ],
    extra,
  );

/** The form of the last token request, after checking its assertion is a JWT signed with the service account key. */
async function lastTokenForm(): Promise<URLSearchParams> {
  const form = new URLSearchParams(tokens.received.at(-1)!.body);
  const { payload } = await jwtVerify(form.get("assertion")!, await importSPKI(publicKey, "RS256"));
  expect(payload).toMatchObject({ iss: CLIENT_ID, sub: SERVICE_ACCOUNT });
  expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
  return form;
}

function expectNoSecret(r: Run): void {
  const output = r.stdout + r.stderr;
  for (const secret of [CLIENT_SECRET, KEY_BODY, ACCESS_TOKEN, "PRIVATE KEY"]) expect(output).not.toContain(secret);
  // Not even one line of the key.
  for (const line of privateKey.split("\n").filter((l) => l.length > 20)) expect(output).not.toContain(line);
}

beforeAll(async () => {
  requireBuiltCli();
  tokens = await startFaultServer((req, res) => {
    const scope = new URLSearchParams(req.body).get("scope");
    // LINE WORKS refuses a scope the app was not granted (https://developers.worksmobile.com/en/docs/auth-jwt).
    if (scope === "calendar")
      return json(res, 400, { error: "invalid_scope", error_description: "Invalid scope: calendar" });
    json(res, 200, { access_token: ACCESS_TOKEN, token_type: "Bearer", expires_in: "86400", scope });
  });
  api = await startFaultServer((req, res) => {
    if (req.url.startsWith("/contacts"))
      return json(res, 200, { contacts: [], responseMetaData: { nextCursor: null } });
    res.writeHead(req.method === "DELETE" ? 204 : 201);
    res.end();
  });
});
afterAll(async () => {
  await tokens?.close();
  await api?.close();
});

describe("call lineworks with a service account: the token asks for the operation's scopes", () => {
  it("sendMessageToUser (spec: bot.message or bot) requests scope bot.message, then sends with that token", async () => {
    const body = { content: { type: "text", text: "本日の日報を提出してください。" } };
    const r = await call("sendMessageToUser", ["botId=2000001", `userId=${USER}`], {}, body);
    expect(r.stderr).not.toContain("Error");
    expect(r.code).toBe(0);
    expect((await lastTokenForm()).get("scope")).toBe("bot.message");
    expect(r.stderr).toContain(`token scope "bot.message" (the operation's, from the spec; LINEWORKS_SCOPE overrides)`);
    expect(tokens.received.at(-1)!.url).toBe("/oauth2/v2.0/token");
    const sent = api.received.at(-1)!;
    expect(sent.url).toBe(`/bots/2000001/users/${USER}/messages`);
    expect(sent.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expectNoSecret(r);
  });

  it("deleteBot (spec: bot only) requests scope bot", async () => {
    const r = await call("deleteBot", ["botId=2000001"]);
    expect(r.code).toBe(0);
    expect((await lastTokenForm()).get("scope")).toBe("bot");
    expect(api.received.at(-1)!).toMatchObject({ method: "DELETE", url: "/bots/2000001" });
    expectNoSecret(r);
  });

  it("listContacts (spec: contact or contact.read) requests scope contact", async () => {
    const r = await call("listContacts", ["count=10"]);
    expect(r.code).toBe(0);
    expect((await lastTokenForm()).get("scope")).toBe("contact");
    expect(JSON.parse(r.stdout)).toEqual({ contacts: [], responseMetaData: { nextCursor: null } });
    expectNoSecret(r);
  });

  it("LINEWORKS_SCOPE, when set, is requested instead", async () => {
    const before = tokens.received.length;
    const r = await call(
      "sendMessageToUser",
      ["botId=2000001", `userId=${USER}`],
      { LINEWORKS_SCOPE: "bot bot.read" },
      {
        content: { type: "text", text: "テスト" },
      },
    );
    expect(r.code).toBe(0);
    expect(tokens.received.length).toBe(before + 1);
    expect((await lastTokenForm()).get("scope")).toBe("bot bot.read");
    expect(r.stderr).toContain(`token scope "bot bot.read" (LINEWORKS_SCOPE)`);
    expectNoSecret(r);
  });

  it("a scope the token endpoint refuses: exit 1 with AuthenticationError, nothing sent to the API, no secret", async () => {
    const before = api.received.length;
    const r = await call("deleteBot", ["botId=2000001"], { LINEWORKS_SCOPE: "calendar" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("AuthenticationError");
    expect(r.stderr).toContain("Invalid scope: calendar");
    expect(api.received.length).toBe(before);
    expectNoSecret(r);
  });

  it("LINEWORKS_TOKEN_URL over plain http to another host is refused before any request, its password unprinted", async () => {
    const [tokensBefore, apiBefore] = [tokens.received.length, api.received.length];
    const r = await call("deleteBot", ["botId=2000001"], {
      LINEWORKS_TOKEN_URL: "http://user:pw-SECRET@auth.example.com/token",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("LINEWORKS_TOKEN_URL must be https (http only to localhost)");
    expect(r.stderr).not.toContain("pw-SECRET");
    expect([tokens.received.length, api.received.length]).toEqual([tokensBefore, apiBefore]);
    expectNoSecret(r);
  });

  it("--help says where the scope comes from and names the token URL variable", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /LINEWORKS_SCOPE\s+service account auth: scopes to request \(default: those the operation's/,
    );
    expect(r.stdout).toContain("LINEWORKS_TOKEN_URL");
    expect(r.stdout).not.toContain('default "contact"');
  });
});
