// An empty credential (`token: process.env.CHATWORK_API_TOKEN ?? ""`) is refused before anything is sent, exactly as
// a missing one is — a request with an empty x-chatworktoken or "Bearer " would only earn a 401 from the provider.
import { afterEach, describe, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { startRawServer, type RawServer } from "../support/raw-server.js";

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const answerOk = () =>
  startRawServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });

describe("empty credentials", () => {
  it("an empty Chatwork token is refused like a missing one, when the client is created", () => {
    for (const token of ["", undefined]) {
      expect(() => createChatworkClient({ token, rateLimit: false })).toThrow(/needs `token`/);
      expect(() => createChatworkClient({ token, accessToken: "", rateLimit: false })).toThrow(/needs `token`/);
    }
  });

  it("an empty LINE channel access token is refused like a missing one: nothing reaches the server", async () => {
    server = await answerOk();
    for (const channelAccessToken of ["", undefined]) {
      const client = createLineClient({ channelAccessToken, baseUrl: server.url, retry: false, rateLimit: false });
      await expect(client.GET("/v2/bot/list")).rejects.toThrow(/no credentials/);
      await client.close();
    }
    expect(server.connections).toBe(0);
  });

  it("a token function that returns an empty string is refused before sending, naming only the scheme", async () => {
    server = await answerOk();
    const client = createLineClient({
      channelAccessToken: () => "",
      baseUrl: server.url,
      retry: false,
      rateLimit: false,
    });
    await expect(client.GET("/v2/bot/list")).rejects.toThrow(/credential is empty/);
    await client.close();
    expect(server.connections).toBe(0);
  });

  it("a non-empty token is still sent", async () => {
    server = await answerOk();
    const client = createChatworkClient({ token: "t0ken-value", baseUrl: server.url, retry: false, rateLimit: false });
    const { error } = await client.GET("/me");
    expect(error).toBeUndefined();
    expect(server.requests[0]?.headers["x-chatworktoken"]).toBe("t0ken-value");
    await client.close();
  });
});
