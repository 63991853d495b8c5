// The Bot API's documented limits as the client applies them, seen from a local server's arrival log: creating a
// room with a bot has its own 10 requests/min class on every plan; every other bot operation has its own per-operation
// bucket of the default class (240/min), so a busy room-creation bucket never holds messages.
import { afterEach, describe, expect, it } from "vitest";
import { createLineWorksClient } from "../../src/lineworks/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";

const BOT = 2000001;
const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve() {
  const server = await startFaultServer((req, res) => {
    res.writeHead(201, { "content-type": "application/json" });
    res.end(req.url.endsWith("/channels") ? JSON.stringify({ channelId: "c-1" }) : "");
  });
  servers.push(server);
  return server;
}
const createRoom = (client: ReturnType<typeof createLineWorksClient>, signal?: AbortSignal) =>
  client.POST("/bots/{botId}/channels", {
    params: { path: { botId: BOT } },
    body: { members: ["userf7da-f82c-4284-13e7-030f3b4c756x"], title: "営業部" },
    ...(signal ? { signal } : {}),
  });
const sendText = (client: ReturnType<typeof createLineWorksClient>) =>
  client.POST("/bots/{botId}/users/{userId}/messages", {
    params: { path: { botId: BOT, userId: "userf7da-f82c-4284-13e7-030f3b4c756x" } },
    body: { content: { type: "text", text: "お疲れさまです。" } },
  });

describe("Bot API rate limits", () => {
  it("room creation: the 11th call in a minute is held by default, while 11 messages go out at once", async () => {
    const server = await serve();
    const client = createLineWorksClient({ auth: { accessToken: "t" }, baseUrl: server.url, retry: false });
    const aborts = Array.from({ length: 11 }, () => new AbortController());
    const rooms = aborts.map((abort) => createRoom(client, abort.signal).catch((e: unknown) => e));
    const texts = await Promise.all(Array.from({ length: 11 }, () => sendText(client)));
    expect(texts.every((t) => t.response.status === 201)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(server.count("POST", "/bots/2000001/channels")).toBe(10);
    expect(server.count("POST", "/bots/2000001/users/")).toBe(11);
    for (const abort of aborts) abort.abort();
    const last = await rooms[10];
    expect(last).toBeInstanceOf(Error);
    expect(server.count("POST", "/bots/2000001/channels")).toBe(10);
    await client.close();
  });

  it("the room-creation class can be tuned on its own and refills after its window", async () => {
    const server = await serve();
    const client = createLineWorksClient({
      auth: { accessToken: "t" },
      baseUrl: server.url,
      retry: false,
      rateLimit: { classes: { channelCreation: { limit: 2, intervalMs: 600 } } },
    });
    const started = Date.now();
    const rooms = Promise.all([createRoom(client), createRoom(client), createRoom(client)]);
    await Promise.all([sendText(client), sendText(client), sendText(client)]);
    await rooms;
    const arrivals = server.received.filter((r) => r.url.endsWith("/channels")).map((r) => r.at - started);
    const texts = server.received.filter((r) => r.url.includes("/users/")).map((r) => r.at - started);
    expect(arrivals).toHaveLength(3);
    expect(arrivals[2]!).toBeGreaterThanOrEqual(500);
    expect(Math.max(...texts)).toBeLessThan(arrivals[2]!);
    await client.close();
  });
});
