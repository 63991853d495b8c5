// The `bizchat` command line as users run it: the BUILT file (dist/src/cli/main.js, produced by `npm run build`,
// which `npm test` runs first) in a child process, against real Prism mocks and a local node:http server that
// counts what it received.
import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { loadSpec, responseExample } from "../support/spec-examples.js";
import { cleanEnv, cli, requireBuiltCli, runCli } from "./built-cli.js";

// A recognisable token: it must never appear in anything the CLI prints.
const TOKEN = "cw-SECRET-token-7f3a9c1e";

const run = runCli;

beforeAll(requireBuiltCli);

describe("help and usage errors", () => {
  it("--help prints the usage with the commands and the environment variables, exit 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const text of [
      "bizchat ops",
      "bizchat call",
      "bizchat mock",
      "bizchat verify-webhook",
      "CHATWORK_API_TOKEN",
      "LINEWORKS_V1_TOKEN",
    ]) {
      expect(r.stdout).toContain(text);
    }
  });

  it("<command> --help prints that command's usage", async () => {
    const r = await run(["call", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: bizchat call/);
    expect(r.stdout).toContain("--prefer");
  });

  it("an unknown command, option or provider is a usage error: clear message on stderr, exit 2", async () => {
    const command = await run(["frobnicate"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "frobnicate"');
    expect(command.stdout).toBe("");

    const option = await run(["ops", "chatwork", "--frob"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--frob'");

    const provider = await run(["ops", "slack"]);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain('unknown provider "slack"');

    const operation = await run(["call", "chatwork", "getRooom", "--mock"]);
    expect(operation.code).toBe(2);
    expect(operation.stderr).toContain('chatwork has no operation "getRooom"');
  });
});

describe("ops", () => {
  it("lists the 32 Chatwork operations with method, path and deprecation", async () => {
    const r = await run(["ops", "chatwork"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^OPERATION\s+METHOD\s+PATH\s+DEPRECATED$/);
    expect(lines).toHaveLength(33);
    expect(lines).toContainEqual(expect.stringMatching(/^getRoom\s+GET\s+\/rooms\/\{room_id\}\s+no$/));

    const asJson = await run(["ops", "chatwork", "--json"]);
    const rows = JSON.parse(asJson.stdout) as {
      operationId: string;
      method: string;
      path: string;
      deprecated: boolean;
    }[];
    expect(rows).toHaveLength(32);
    expect(rows.find((o) => o.operationId === "postMessage")).toMatchObject({
      method: "POST",
      path: "/rooms/{room_id}/messages",
      deprecated: false,
    });
  });

  it("marks deprecated operations (LINE WORKS API 1.0 registerBot)", async () => {
    const r = await run(["ops", "lineworks-v1", "--json"]);
    const rows = JSON.parse(r.stdout) as { operationId: string; deprecated: boolean }[];
    expect(rows.find((o) => o.operationId === "registerBot")?.deprecated).toBe(true);
  });
});

describe("call --mock (Prism)", () => {
  it("returns the spec's example as JSON on stdout, progress on stderr, exit 0", async () => {
    const r = await run(["call", "chatwork", "getRoom", "--param", "room_id=322", "--mock"], {
      env: { CHATWORK_API_TOKEN: TOKEN },
    });
    expect(r.stderr).toMatch(/starting Prism mock for chatwork… ready at http:\/\/127\.0\.0\.1:\d+ \(\d+\.\d s\)/);
    expect(r.code).toBe(0);
    const example = responseExample(loadSpec("chatwork"), "/rooms/{room_id}", "get", "200");
    expect(JSON.parse(r.stdout)).toEqual(example);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("sends a typed body and dummy credentials when the environment has none", async () => {
    const r = await run([
      "call",
      "chatwork",
      "postMessage",
      "-p",
      "room_id=322",
      "--body",
      '{"body":"[To:456] 資料です","self_unread":0}',
      "--mock",
      "-q",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const created = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(created)).toEqual(["message_id"]);
    expect(created.message_id).toMatch(/^\d+$/);
  });

  it("--prefer code=404 gets the 404 example: exit 1 with NotFoundError, status and the provider's message, no secret", async () => {
    const r = await run(["call", "chatwork", "getRoom", "-p", "room_id=322", "--mock", "--prefer", "code=404"], {
      env: { CHATWORK_API_TOKEN: TOKEN },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("NotFoundError (chatwork getRoom): HTTP 404");
    expect(r.stderr).toContain("message: Resource not found");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});

describe("call against a local server (--base-url)", () => {
  let server: FaultServer;
  beforeAll(async () => {
    server = await startFaultServer((req, res) => {
      if (req.url.startsWith("/rooms/401")) return json(res, 401, { errors: ["Invalid API token"] });
      if (req.url.startsWith("/contacts"))
        return json(res, 200, { contacts: [], responseMetaData: { nextCursor: null } });
      if (req.url.startsWith("/rooms/322/files")) return json(res, 200, { file_id: 7 });
      return json(res, 200, { room_id: 322 });
    });
  });
  afterAll(() => server?.close());

  it("invalid input: exit 1, stderr names field and rule, and nothing reaches the server", async () => {
    const before = server.received.length;
    const badParam = await run(["call", "chatwork", "getRoom", "-p", "room_id=abc", "--base-url", server.url], {
      env: { CHATWORK_API_TOKEN: TOKEN },
    });
    expect(badParam.code).toBe(1);
    expect(badParam.stderr).toContain("RequestValidationError (chatwork getRoom): invalid request, nothing was sent");
    expect(badParam.stderr).toContain("path.room_id: must be integer (rule: type");

    const badBody = await run(
      ["call", "chatwork", "createRoom", "--body", '{"name":"","members_admin_ids":"1,x"}', "--base-url", server.url],
      { env: { CHATWORK_API_TOKEN: TOKEN } },
    );
    expect(badBody.code).toBe(1);
    expect(badBody.stderr).toContain("body.name");
    expect(badBody.stderr).toContain("rule: minLength");
    expect(badBody.stderr).toContain("body.members_admin_ids");
    expect(badBody.stderr).toContain("rule: pattern");

    const unknownParam = await run(
      ["call", "chatwork", "getRoom", "-p", "room_id=1", "-p", "colour=red", "--base-url", server.url],
      { env: { CHATWORK_API_TOKEN: TOKEN } },
    );
    expect(unknownParam.code).toBe(1);
    expect(unknownParam.stderr).toContain(
      "params.colour: is not a documented path, query or header parameter (rule: additionalProperties",
    );

    const outOfRange = await run(
      ["call", "lineworks", "listContacts", "-p", "count=501", "-p", "colour=red", "--base-url", server.url],
      { env: { LINEWORKS_ACCESS_TOKEN: TOKEN } },
    );
    expect(outOfRange.code).toBe(1);
    expect(outOfRange.stderr).toContain("params.colour: is not a documented path, query or header parameter");
    expect(outOfRange.stderr).toContain("query.count: must be <= 500 (rule: maximum");

    expect(server.received.length).toBe(before);
    for (const r of [badParam, badBody, unknownParam, outOfRange]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("converts --param strings to the schema's types and places them by the spec (path, query)", async () => {
    const r = await run(
      ["call", "lineworks", "listContacts", "-p", "count=5", "-p", "cursor=abc", "--base-url", server.url, "-q"],
      { env: { LINEWORKS_ACCESS_TOKEN: TOKEN } },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ contacts: [], responseMetaData: { nextCursor: null } });
    const request = server.received.at(-1)!;
    expect(request.url).toBe("/contacts?count=5&cursor=abc");
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("a 401 exits 1 with AuthenticationError; the token is sent but never printed", async () => {
    const r = await run(["call", "chatwork", "getRoom", "-p", "room_id=401", "--base-url", server.url], {
      env: { CHATWORK_API_TOKEN: `${TOKEN}\n` },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("AuthenticationError (chatwork getRoom): HTTP 401");
    expect(r.stderr).toContain("message: Invalid API token");
    expect(server.received.at(-1)!.headers["x-chatworktoken"]).toBe(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("--file field=@path sends a multipart part with the file's name", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bizchat-cli-"));
    try {
      const file = path.join(dir, "見積書.pdf");
      writeFileSync(file, "%PDF-1.7 見積");
      const r = await run(
        [
          "call",
          "chatwork",
          "uploadFile",
          "-p",
          "room_id=322",
          "--file",
          `file=@${file}`,
          "--body",
          '{"message":"見積書です"}',
          "--base-url",
          server.url,
          "-q",
        ],
        {
          env: { CHATWORK_API_TOKEN: TOKEN },
        },
      );
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ file_id: 7 });
      const request = server.received.at(-1)!;
      expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
      expect(request.body).toContain('filename="見積書.pdf"');
      expect(request.body).toContain("Content-Type: application/pdf");
      expect(request.body).toContain("見積書です");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("missing credentials are a usage error naming the variables (exit 2), nothing sent", async () => {
    const before = server.received.length;
    const r = await run(["call", "chatwork", "getRoom", "-p", "room_id=1", "--base-url", server.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("chatwork getRoom needs credentials: set CHATWORK_API_TOKEN, or CHATWORK_ACCESS_TOKEN");
    expect(server.received.length).toBe(before);
  });
});

describe("verify-webhook", () => {
  const body = JSON.stringify({
    webhook_setting_id: "12345",
    webhook_event_type: "mention_to_me",
    webhook_event_time: 1767250800,
    webhook_event: { body: "[To:1]確認お願いします" },
  });
  const hmac = (key: Buffer, data: string) => createHmac("sha256", key).update(data).digest("base64");

  it("chatwork: key = base64-decoded webhook token; valid → exit 0, tampered body → exit 1", async () => {
    const token = randomBytes(32).toString("base64");
    const signature = hmac(Buffer.from(token, "base64"), body);
    const valid = await run(["verify-webhook", "chatwork", "--signature", signature], {
      env: { BIZCHAT_WEBHOOK_SECRET: token },
      input: body,
    });
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(
      /^valid\n#0 mention_to_me: invalid \(delivered as \{ type: "invalid" \}\): body.webhook_event/,
    );
    const invalid = await run(["verify-webhook", "chatwork", "--signature", signature], {
      env: { BIZCHAT_WEBHOOK_SECRET: token },
      input: body.replace("12345", "12346"),
    });
    expect(invalid).toMatchObject({ code: 1, stdout: "invalid\n" });
    // The query-parameter form arrives URL-encoded.
    const query = await run(["verify-webhook", "chatwork", "--signature", encodeURIComponent(signature)], {
      env: { BIZCHAT_WEBHOOK_SECRET: token },
      input: body,
    });
    expect(query.code).toBe(0);
  });

  it("line and lineworks: key = the UTF-8 secret, secret and signature from the environment", async () => {
    for (const provider of ["line", "lineworks", "lineworks-v1"]) {
      const secret = randomBytes(16).toString("hex");
      const signature = hmac(Buffer.from(secret, "utf8"), body);
      const valid = await run(["verify-webhook", provider], {
        env: { BIZCHAT_WEBHOOK_SECRET: secret, BIZCHAT_WEBHOOK_SIGNATURE: signature },
        input: body,
      });
      expect(valid.code, provider).toBe(0);
      expect(valid.stdout, provider).toMatch(/^valid\n/);
      const wrongSecret = await run(["verify-webhook", provider, "--secret", `${secret}x`, "--signature", signature], {
        input: body,
      });
      expect(wrongSecret, provider).toMatchObject({ code: 1, stdout: "invalid\n" });
    }
  });

  it("line: reports each event of a mixed batch as a receiver delivers it; sign-webhook gives the signature", async () => {
    const secret = randomBytes(16).toString("hex");
    const base = { mode: "active", timestamp: 1, webhookEventId: "e", deliveryContext: { isRedelivery: false } };
    const batch = JSON.stringify({
      destination: "Ud335ff95a0468833bba7810b8f0b084b",
      events: [
        { ...base, type: "botSuspended" },
        { ...base, type: "activated" },
        { ...base, type: "membershipRenewed" },
      ],
    });
    const signed = await run(["sign-webhook", "line"], { env: { BIZCHAT_WEBHOOK_SECRET: secret }, input: batch });
    expect(signed).toMatchObject({ code: 0, stdout: hmac(Buffer.from(secret, "utf8"), batch) + "\n" });
    const r = await run(["verify-webhook", "line", "--signature", signed.stdout.trim()], {
      env: { BIZCHAT_WEBHOOK_SECRET: secret },
      input: batch,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      "valid",
      "#0 botSuspended: valid",
      '#1 activated: invalid (delivered as { type: "invalid" }): body.events.1.chatControl is required',
      '#2 membershipRenewed: unknown type (delivered as { type: "unknown" })',
      "",
    ]);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it("without a secret: usage error, exit 2", async () => {
    const r = await run(["verify-webhook", "line", "--signature", "abc"], { input: body });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no secret (set BIZCHAT_WEBHOOK_SECRET or pass --secret)");
  });
});

describe("mock", () => {
  it("serves until SIGTERM, answers requests, then stops Prism and exits 0", async () => {
    const child = spawn(process.execPath, [cli, "mock", "chatwork"], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes("\n")) resolve(stdout.trim());
      });
      child.once("exit", () => reject(new Error(`mock exited early:\n${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // stdout and stderr are separate pipes: the note written after the URL may arrive a moment later.
    for (let waited = 0; !stderr.includes("serving") && waited < 3000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toContain("serving 32 chatwork operations");

    const response = await fetch(`${url}/me`, { headers: { "x-chatworktoken": "any" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ account_id: 123, name: "山田 太郎" });

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping Prism… stopped/);
    await expect(fetch(`${url}/me`)).rejects.toThrow(); // Prism is gone, not orphaned
  });
});
