// Success bodies are parsed by the client from the bytes the transport read inside the attempt: the results must be
// exactly what openapi-fetch's json()/text() parsing gives. The Response is built from those bytes when read.
import { afterEach, expect, it } from "vitest";
import { ResponseValidationError } from "../../src/index.js";
import { createLineClient } from "../../src/line/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Answer = { status?: number; headers?: Record<string, string>; body?: Buffer | string };
async function get(answer: Answer, parseAs?: "text") {
  server = await startFaultServer((_req, res) => {
    res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
    res.end(answer.body);
  });
  const client = createLineClient({ channelAccessToken: "t", baseUrl: server.url, rateLimit: false, retry: false });
  return client.GET("/v2/bot/list", { params: { query: { limit: 1 } }, ...(parseAs ? { parseAs } : {}) });
}

it("parses JSON as Body.json() does: a leading BOM dropped, invalid UTF-8 replaced", async () => {
  const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"bots":[]}')]);
  const bom = await get({ body: raw });
  expect(bom.data).toEqual({ bots: [] });
  // The lazily built Response serves the bytes as received.
  expect(Buffer.from(await bom.response.arrayBuffer())).toEqual(raw);
  await server!.close();
  const bad = await get({ body: Buffer.from([0x22, 0xff, 0x22]) });
  expect(bad.data).toBe("\uFFFD");
});

it("keeps openapi-fetch's empty-body rules: no Content-Length → undefined (text: ''), Content-Length 0 → undefined, unread", async () => {
  const chunked = await get({ headers: { "transfer-encoding": "chunked" } });
  expect(chunked.data).toBeUndefined();
  await server!.close();
  expect((await get({ headers: { "transfer-encoding": "chunked" } }, "text")).data).toBe("");
  await server!.close();
  const empty = await get({ headers: { "content-length": "0" } });
  expect(empty.data).toBeUndefined();
  expect(empty.response.bodyUsed).toBe(false);
  await server!.close();
  const reset = await get({ status: 205 }, "text");
  expect(reset.data).toBe("");
});

it("returns text as received with parseAs text, and malformed JSON as ResponseValidationError without quoting it", async () => {
  expect((await get({ body: "{nope token=abc" }, "text")).data).toBe("{nope token=abc");
  await server!.close();
  const error = await get({ body: "{nope token=abc" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ResponseValidationError);
  expect(String((error as Error).message)).not.toContain("abc");
});

it("hands back the Response as fetch gave it (status, headers, url)", async () => {
  const { data, response } = await get({
    headers: { "x-line-request-id": "req-1" },
    body: JSON.stringify({ bots: [] }),
  });
  expect(data).toEqual({ bots: [] });
  expect(response.headers.get("x-line-request-id")).toBe("req-1");
  expect(response.url).toBe(`${server!.url}/v2/bot/list?limit=1`);
});
