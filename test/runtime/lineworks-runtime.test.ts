// LINE WORKS runtime behaviour against local node:http servers: service-account tokens (one token request for
// many waiting calls, the JWT checked with the public key, renewal on 403 UNAUTHORIZED), refresh-token rotation,
// API 1.0 error codes, documented constraints enforced before sending, pagination, the two-step photo upload,
// callback signatures, and no secret in any error.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { importSPKI, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RequestValidationError,
  ServerError,
} from "../../src/index.js";
import {
  createLineWorksClient,
  createLineWorksV1Client,
  paginateContacts,
  refreshTokenAuth,
  serviceAccountAuth,
  uploadContactPhoto,
  verifyLineWorksSignature,
} from "../../src/lineworks/index.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";
import { faultServers, json } from "../support/fault-server.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const CLIENT_SECRET = "works-client-secret-0123456789";
const serve = faultServers();

const contact = {
  contactId: "2d4f6a8c-1111-4222-8333-944455566677",
  contactName: { lastName: "佐藤", firstName: "花子" },
  emails: [{ email: "hanako.sato@example.co.jp", primary: true }],
  permission: { accessibleRange: "ALL", isCoEditing: true },
};
const list = (contacts: unknown[], nextCursor: string | null) => ({ contacts, responseMetaData: { nextCursor } });

function secretsIn(error: unknown, secrets: string[]) {
  const texts = [
    String((error as Error).message),
    String((error as Error).stack),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
  ];
  return secrets.filter((s) => texts.some((t) => t.includes(s)));
}

describe("serviceAccountAuth", () => {
  it("makes one token request for 20 concurrent calls, with an RS256 JWT that verifies with the public key", async () => {
    const assertions: string[] = [];
    const tokenServer = await serve(async (req, res) => {
      const form = new URLSearchParams(req.body);
      assertions.push(form.get("assertion")!);
      expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
      expect(form.get("client_secret")).toBe(CLIENT_SECRET);
      expect(form.get("scope")).toBe("contact");
      await new Promise((r) => setTimeout(r, 50));
      json(res, 200, {
        access_token: "at-1",
        refresh_token: "rt-1",
        scope: "contact",
        token_type: "Bearer",
        expires_in: "86400",
      });
    });
    const api = await serve((req, res) => json(res, 200, list([contact], null)));
    const auth = serviceAccountAuth({
      clientId: "client-abc",
      clientSecret: CLIENT_SECRET,
      serviceAccount: "svc.serviceaccount@example.co.jp",
      privateKey,
      scope: "contact",
      tokenUrl: `${tokenServer.url}/oauth2/v2.0/token`,
    });
    const client = createLineWorksClient({ auth, baseUrl: api.url });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.GET("/contacts", { params: { query: { count: 10 } } })),
    );
    expect(results.every((r) => r.data?.contacts.length === 1)).toBe(true);
    expect(tokenServer.received).toHaveLength(1);
    expect(api.received.every((r) => r.headers.authorization === "Bearer at-1")).toBe(true);
    const { payload, protectedHeader } = await jwtVerify(assertions[0]!, await importSPKI(publicKey, "RS256"));
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(payload).toMatchObject({ iss: "client-abc", sub: "svc.serviceaccount@example.co.jp" });
    expect(payload.exp! - payload.iat!).toBe(3600);
    await client.close();
  });

  it("renews the token once and resends the call when the API answers 403 UNAUTHORIZED", async () => {
    let issued = 0;
    const tokenServer = await serve((_req, res) =>
      json(res, 200, { access_token: `at-${++issued}`, scope: "contact", token_type: "Bearer", expires_in: 86400 }),
    );
    const api = await serve((req, res) =>
      req.headers.authorization === "Bearer at-1"
        ? json(res, 403, { code: "UNAUTHORIZED", description: "Authentication failed" })
        : json(res, 200, list([contact], null)),
    );
    const client = createLineWorksClient({
      auth: serviceAccountAuth({
        clientId: "c",
        clientSecret: CLIENT_SECRET,
        serviceAccount: "s",
        privateKey,
        scope: "contact",
        tokenUrl: tokenServer.url,
      }),
      baseUrl: api.url,
    });
    const { data, error } = await client.GET("/contacts");
    expect(error).toBeUndefined();
    expect(data?.contacts).toHaveLength(1);
    expect(tokenServer.received).toHaveLength(2);
    expect(api.received.map((r) => r.headers.authorization)).toEqual(["Bearer at-1", "Bearer at-2"]);
    await client.close();
  });

  it("does not loop when the renewed token is refused too, and keeps secrets out of every error", async () => {
    const tokenServer = await serve((_req, res) =>
      json(res, 200, { access_token: "at-x", scope: "contact", token_type: "Bearer", expires_in: 86400 }),
    );
    const api = await serve((_req, res) =>
      json(res, 403, { code: "UNAUTHORIZED", description: "Authentication failed" }),
    );
    const client = createLineWorksClient({
      auth: serviceAccountAuth({
        clientId: "c",
        clientSecret: CLIENT_SECRET,
        serviceAccount: "s",
        privateKey,
        scope: "contact",
        tokenUrl: tokenServer.url,
      }),
      baseUrl: api.url,
    });
    const { error } = await client.GET("/contacts");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error!.code).toBe("UNAUTHORIZED");
    expect(api.received).toHaveLength(2);
    expect(secretsIn(error, [CLIENT_SECRET, "at-x", privateKey.slice(40, 80)])).toEqual([]);
    await client.close();
  });

  it("surfaces a refused token request as AuthenticationError without the assertion or client secret", async () => {
    let assertion = "";
    const tokenServer = await serve((req, res) => {
      assertion = new URLSearchParams(req.body).get("assertion")!;
      json(res, 400, { error: "invalid_grant", error_description: "The assertion is invalid" });
    });
    const client = createLineWorksClient({
      auth: serviceAccountAuth({
        clientId: "c",
        clientSecret: CLIENT_SECRET,
        serviceAccount: "s",
        privateKey,
        scope: "contact",
        tokenUrl: tokenServer.url,
      }),
      baseUrl: "http://127.0.0.1:9",
    });
    const error = await client.GET("/contacts").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe("invalid_grant");
    expect(secretsIn(error, [CLIENT_SECRET, assertion, privateKey.slice(40, 80)])).toEqual([]);
    await client.close();
  });
});

describe("refreshTokenAuth", () => {
  it("uses the refresh grant and stores a rotated refresh token", async () => {
    const stored: string[] = [];
    const tokenServer = await serve((req, res) => {
      const form = new URLSearchParams(req.body);
      expect(form.get("grant_type")).toBe("refresh_token");
      json(res, 200, {
        access_token: `at-for-${form.get("refresh_token")}`,
        refresh_token: "rt-rotated",
        scope: "contact",
        token_type: "Bearer",
        expires_in: "3600",
      });
    });
    const auth = refreshTokenAuth({
      clientId: "c",
      clientSecret: CLIENT_SECRET,
      refreshToken: "rt-0",
      tokenUrl: tokenServer.url,
      onRefreshToken: (t) => void stored.push(t),
    });
    expect(await auth.getToken()).toBe("at-for-rt-0");
    auth.invalidate();
    expect(await auth.getToken()).toBe("at-for-rt-rotated");
    expect(stored).toEqual(["rt-rotated"]);
  });
});

describe("API 1.0 error codes", () => {
  it.each([
    ["024", 401, AuthenticationError],
    ["028", 401, AuthenticationError],
    ["042", 403, PermissionError],
    ["088", 403, PermissionError],
    ["001", 404, NotFoundError],
    ["085", 429, RateLimitError],
    ["092", 429, RateLimitError],
    ["086", 500, ServerError],
    ["999", 500, ServerError],
  ] as const)("errorCode %s (HTTP %i) → %o with the code kept", async (errorCode, status, ErrorClass) => {
    const api = await serve((_req, res) => json(res, status, { errorCode, errorMessage: "documented message" }));
    const client = createLineWorksV1Client({
      apiId: "kr1wwTrYrbIot",
      consumerKey: "ck-secret",
      token: "server-token-secret",
      baseUrl: api.url,
      retry: false,
    });
    const bot = exampleCall(loadSpec("lineworks-v1"), "registerBot").body;
    const { error } = await client.POST("/message/registerBot/v4", { body: bot as never });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error!.code).toBe(errorCode);
    expect(api.received[0]!.headers.consumerkey).toBe("ck-secret");
    expect(api.received[0]!.headers.authorization).toBe("Bearer server-token-secret");
    expect(secretsIn(error, ["ck-secret", "server-token-secret"])).toEqual([]);
    await client.close();
  });

  it("caps API 1.0 at 5 concurrent connections", async () => {
    let open = 0;
    let peak = 0;
    const api = await serve(async (_req, res) => {
      peak = Math.max(peak, ++open);
      await new Promise((r) => setTimeout(r, 30));
      open--;
      json(res, 200, { code: 200, message: "OK", botNo: 123 });
    });
    const client = createLineWorksV1Client({
      apiId: "kr1wwTrYrbIot",
      consumerKey: "ck",
      token: "t",
      baseUrl: api.url,
      rateLimit: { classes: { message: { limit: 1000 } } },
    });
    const bot = exampleCall(loadSpec("lineworks-v1"), "registerBot").body;
    await Promise.all(Array.from({ length: 12 }, () => client.POST("/message/registerBot/v4", { body: bot as never })));
    expect(api.received).toHaveLength(12);
    expect(peak).toBe(5);
    await client.close();
  });
});

describe("documented constraints, each broken alone, are rejected before sending", () => {
  const v1Spec = loadSpec("lineworks-v1");
  const v2Spec = loadSpec("lineworks");
  const seedBot = exampleCall(v1Spec, "registerBot").body as Record<string, unknown>;
  const seedContact = exampleCall(v2Spec, "createContact").body as Record<string, unknown>;

  const botCases: [string, (b: Record<string, unknown>) => void][] = [
    ["name over 100 characters", (b) => (b.name = "あ".repeat(101))],
    ["an undocumented language code", (b) => (b.i18nNames = [{ language: "fr_FR", name: "Bot" }])],
    ["an http photoUrl", (b) => (b.photoUrl = "http://example.co.jp/bot.png")],
    [
      "an i18n photo URL over 1000 characters",
      (b) => (b.i18nPhotoUrls = [{ language: "ja_JP", photoUrl: `https://example.co.jp/${"a".repeat(1000)}.png` }]),
    ],
    [
      "a localised description over 100 characters",
      (b) => (b.i18nDescriptions = [{ language: "ja_JP", description: "説".repeat(101) }]),
    ],
    ["no manager", (b) => (b.managerList = [])],
    [
      "four managers",
      (b) => (b.managerList = ["a@example.co.jp", "b@example.co.jp", "c@example.co.jp", "d@example.co.jp"]),
    ],
    [
      "four submanagers",
      (b) => (b.submanagerList = ["a@example.co.jp", "b@example.co.jp", "c@example.co.jp", "d@example.co.jp"]),
    ],
    ["useDomainScope without domainIdList", (b) => ((b.useDomainScope = true), delete b.domainIdList)],
  ];
  const contactCases: [string, (c: Record<string, unknown>) => void][] = [
    ["memo over 4000 characters", (c) => (c.memo = "m".repeat(4001))],
    ["neither lastName nor firstName", (c) => (c.contactName = {})],
    ["neither telephones nor emails", (c) => (delete c.telephones, delete c.emails)],
    [
      "101 emails",
      (c) => (c.emails = Array.from({ length: 101 }, (_, i) => ({ email: `u${i}@example.co.jp`, primary: i === 0 }))),
    ],
    ["MEMBER range without masterUserId", (c) => (c.permission = { accessibleRange: "MEMBER" })],
    ["an unknown field", (c) => (c.nickname = "x")],
  ];

  it("the documented examples themselves pass", async () => {
    const api = await serve((req, res) =>
      req.url.startsWith("/contacts")
        ? json(res, 201, { ...seedContact, contactId: "c1" })
        : json(res, 200, { code: 200, message: "OK", botNo: 1 }),
    );
    const v1 = createLineWorksV1Client({ apiId: "kr1wwTrYrbIot", consumerKey: "ck", token: "t", baseUrl: api.url });
    const v2 = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: api.url });
    expect((await v1.POST("/message/registerBot/v4", { body: seedBot as never })).error).toBeUndefined();
    expect((await v2.POST("/contacts", { body: seedContact as never })).error).toBeUndefined();
    expect(api.received).toHaveLength(2);
    await v1.close();
    await v2.close();
  });

  it.each(botCases)("registerBot: %s", async (_name, breakIt) => {
    const api = await serve((_req, res) => json(res, 200, {}));
    const client = createLineWorksV1Client({ apiId: "kr1wwTrYrbIot", consumerKey: "ck", token: "t", baseUrl: api.url });
    const body = structuredClone(seedBot);
    breakIt(body);
    await expect(client.POST("/message/registerBot/v4", { body: body as never })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    expect(api.received).toHaveLength(0);
    await client.close();
  });

  it.each(contactCases)("createContact: %s", async (_name, breakIt) => {
    const api = await serve((_req, res) => json(res, 201, {}));
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: api.url });
    const body = structuredClone(seedContact);
    breakIt(body);
    await expect(client.POST("/contacts", { body: body as never })).rejects.toBeInstanceOf(RequestValidationError);
    expect(api.received).toHaveLength(0);
    await client.close();
  });

  it("listContacts: count 501 and count 0", async () => {
    const api = await serve((_req, res) => json(res, 200, list([], null)));
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: api.url });
    for (const count of [0, 501])
      await expect(client.GET("/contacts", { params: { query: { count } } })).rejects.toBeInstanceOf(
        RequestValidationError,
      );
    expect(api.received).toHaveLength(0);
    await client.close();
  });
});

describe("helpers", () => {
  it("paginateContacts follows nextCursor, sending it URL-encoded", async () => {
    const cursors = ["", "Y3Vyc29yPTE+Lz0=", "a b&c/d"];
    const api = await serve((req, res) => {
      const cursor = new URL(req.url, "http://x").searchParams.get("cursor") ?? "";
      const i = cursors.indexOf(cursor);
      json(res, 200, list([{ ...contact, contactId: `c-${i}` }], cursors[i + 1] ?? null), {
        "RateLimit-Limit": 240,
        "RateLimit-Remaining": 239,
        "RateLimit-Reset": 60,
      });
    });
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: api.url });
    const ids: string[] = [];
    for await (const c of paginateContacts(client, { count: 1 })) ids.push(c.contactId);
    expect(ids).toEqual(["c-0", "c-1", "c-2"]);
    expect(api.received[1]!.url).toContain("cursor=Y3Vyc29yPTE%2BLz0%3D");
    expect(api.received[2]!.url).toContain("cursor=a%20b%26c%2Fd");
    await client.close();
  });

  it("uploadContactPhoto asks for the upload URL, then posts multipart Filedata to that URL's host with the Bearer token", async () => {
    const storage = await serve((_req, res) => json(res, 200, { fileId: "f-1" }));
    const api = await serve((_req, res) => json(res, 200, { uploadUrl: `${storage.url}/k/contact/photo/UPLOAD123` }));
    // No baseUrl: the client uses the spec's server; an injected fetch maps the real API host to the local server.
    const toLocal: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      return fetch(new Request(request.url.replace("https://www.worksapis.com/v1.0", api.url), request));
    };
    const client = createLineWorksClient({ auth: { accessToken: "photo-token" }, fetch: toLocal });
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "hanako.png", { type: "image/png" });
    const { uploadUrl, result } = await uploadContactPhoto(client, { contactId: contact.contactId, file: png });
    expect(uploadUrl).toBe(`${storage.url}/k/contact/photo/UPLOAD123`);
    expect(result).toEqual({ fileId: "f-1" });
    expect(api.received[0]!.url).toBe(`/contacts/${contact.contactId}/photo`);
    expect(JSON.parse(api.received[0]!.body)).toEqual({ fileName: "hanako.png", fileSize: 4 });
    const upload = storage.received[0]!;
    expect(upload.url).toBe("/k/contact/photo/UPLOAD123");
    expect(upload.headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect(upload.body).toContain('name="Filedata"; filename="hanako.png"');
    expect(upload.headers.authorization).toBe("Bearer photo-token");
    await client.close();
  });

  it("a client pinned to one baseUrl (e.g. a mock) sends both photo steps there", async () => {
    const api = await serve((req, res) =>
      req.url.startsWith("/k/")
        ? json(res, 200, {})
        : json(res, 200, { uploadUrl: "https://apis-storage.worksmobile.com/k/contact/photo/UP1" }),
    );
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: api.url });
    await uploadContactPhoto(client, { contactId: "c-1", file: new Blob(["x"]), fileName: "a.png" });
    expect(api.received.map((r) => r.url)).toEqual(["/contacts/c-1/photo", "/k/contact/photo/UP1"]);
    await client.close();
  });

  it("verifyLineWorksSignature checks X-WORKS-Signature over the raw body and never throws", () => {
    const body = JSON.stringify({
      type: "message",
      source: { userId: "u-1" },
      content: { type: "text", text: "こんにちは" },
    });
    const sig = createHmac("sha256", "bot-secret").update(body).digest("base64");
    expect(verifyLineWorksSignature(body, sig, "bot-secret")).toBe(true);
    expect(verifyLineWorksSignature(body + " ", sig, "bot-secret")).toBe(false);
    expect(verifyLineWorksSignature(body, sig, "other-secret")).toBe(false);
    for (const bad of [undefined, 1, "", "%%%"]) expect(verifyLineWorksSignature(body, bad, "bot-secret")).toBe(false);
  });
});

describe("API 2.0 rate-limit headers", () => {
  it("reads RateLimit-Reset as seconds until reset: remaining 0 holds the next call of that operation ~1 s", async () => {
    const api = await serve((_req, res, i) =>
      json(res, 200, list([contact], null), {
        "RateLimit-Limit": 240,
        "RateLimit-Remaining": i === 0 ? 0 : 239,
        "RateLimit-Reset": 1,
      }),
    );
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: api.url });
    await client.GET("/contacts");
    await client.GET("/contacts");
    const gap = api.received[1]!.at - api.received[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1000);
    expect(gap).toBeLessThan(3000);
    await client.close();
  });
});
