// `bizchat call --verbose` run in-process with an Io that does NOT scrub (the CLI's own stderr scrubber is left out
// on purpose): the event lines themselves must carry no credential.
import { afterAll, beforeAll, expect, it } from "vitest";
import { callCommand } from "../../src/cli/commands/call.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

const TOKEN = "cw-SECRET-verbose-token-5d2c";
let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer((_req, res, i) =>
    i === 0 ? json(res, 503, { errors: ["busy"] }) : json(res, 401, { errors: ["Invalid API token"] }),
  );
});
afterAll(() => server.close());

it("prints each event on stderr, redacted: attempts with headers, answers, the retry, the error", async () => {
  let stderr = "";
  let stdout = "";
  const code = await callCommand(["chatwork", "getRoom", "-p", "room_id=7", "--base-url", server.url, "--verbose"], {
    io: { stdout: (t) => void (stdout += String(t)), stderr: (t) => void (stderr += t) },
    env: { CHATWORK_API_TOKEN: TOKEN },
    secrets: [],
  });
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toContain(`[request #1] GET ${server.url}/rooms/7`);
  expect(stderr).toContain("x-chatworktoken: [REDACTED]");
  expect(stderr).toContain("[response #1] HTTP 503 in ");
  expect(stderr).toMatch(/\[retry #1\] HTTP 503: sending again in \d+ ms/);
  expect(stderr).toContain("[response #2] HTTP 401");
  expect(stderr).toContain("[error #2] AuthenticationError:");
  expect(server.received.map((r) => r.headers["x-chatworktoken"])).toEqual([TOKEN, TOKEN]);
  expect(stderr).not.toContain(TOKEN);
});

it("without --verbose no event line is printed", async () => {
  let stderr = "";
  await callCommand(["chatwork", "getRoom", "-p", "room_id=7", "--base-url", server.url, "--no-retry"], {
    io: { stdout: () => undefined, stderr: (t) => void (stderr += t) },
    env: { CHATWORK_API_TOKEN: TOKEN },
    secrets: [],
  });
  expect(stderr).not.toContain("[request #1]");
});
