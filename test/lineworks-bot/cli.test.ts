// `bizchat call lineworks sendMessageToUser …` as users run it: the BUILT CLI (dist/src/cli/main.js, from
// `npm run build`, which `npm test` runs first) in a child process, against a local server that counts requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { requireBuiltCli, runCli } from "../cli/built-cli.js";

const TOKEN = "works-SECRET-bot-token-91be";
const USER = "userf7da-f82c-4284-13e7-030f3b4c756x";

/** `bizchat call lineworks sendMessageToUser` with `body`, to the local server, with a fixed access token. */
const sendMessageToUser = (body: unknown) =>
  runCli(
    [
      "call",
      "lineworks",
      "sendMessageToUser",
      "-p",
      "botId=2000001",
      "-p",
      `userId=${USER}`,
      "--body",
      JSON.stringify(body),
      "--base-url",
      server.url,
    ],
    { env: { LINEWORKS_ACCESS_TOKEN: TOKEN } },
  );

let server: FaultServer;
beforeAll(async () => {
  requireBuiltCli();
  server = await startFaultServer((_req, res) => {
    res.writeHead(201);
    res.end();
  });
});
afterAll(() => server?.close());

describe("bizchat call lineworks sendMessageToUser", () => {
  it("sends the message through the operation table: path params placed, JSON body, Bearer token", async () => {
    const body = { content: { type: "text", text: "お疲れさまです。本日の日報を提出してください。" } };
    const r = await sendMessageToUser(body);
    expect(r.code).toBe(0);
    const request = server.received.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`/bots/2000001/users/${USER}/messages`);
    expect(JSON.parse(request.body)).toEqual(body);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("a 2,001-character text exits 1 with RequestValidationError and nothing is sent", async () => {
    const before = server.received.length;
    const r = await sendMessageToUser({ content: { type: "text", text: "あ".repeat(2001) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("RequestValidationError (lineworks sendMessageToUser)");
    expect(r.stderr).toContain("body.content.text: must NOT have more than 2000 characters (rule: maxLength");
    expect(server.received.length).toBe(before);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});
