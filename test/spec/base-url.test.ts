// With a client-wide baseUrl, every operation of every spec goes to the base plus its documented path below the API
// root: a local node:http server records the path each call arrives at, the calls are built from the specs' own
// examples, and the expected path is read from the spec's servers (not from the generated table the client uses).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { createLineClient } from "../../src/line/index.js";
import { createLineWorksClient, createLineWorksV1Client } from "../../src/lineworks/index.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";
import { operationTable as chatworkTable } from "../../generated/chatwork.operations.js";
import { operationTable as lineTable } from "../../generated/line.operations.js";
import { operationTable as lineworksTable } from "../../generated/lineworks.operations.js";
import { operationTable as lineworksV1Table } from "../../generated/lineworks-v1.operations.js";

type AnyClient = Record<string, (path: string, init?: unknown) => Promise<{ response: Response }>> & {
  close(): Promise<void>;
};

const BASE_PATH = "/gateway/bizchat";
const tables: Record<string, { operations: object }> = {
  chatwork: chatworkTable,
  line: lineTable,
  lineworks: lineworksTable,
  "lineworks-v1": lineworksV1Table,
};
const common = { retry: false, rateLimit: false } as const;
const clients: Record<string, (baseUrl: string) => unknown> = {
  chatwork: (baseUrl) => createChatworkClient({ token: "t", baseUrl, ...common }),
  line: (baseUrl) =>
    createLineClient({ channelAccessToken: "t", channelId: "1653926534", channelSecret: "s", baseUrl, ...common }),
  lineworks: (baseUrl) => createLineWorksClient({ auth: { accessToken: "t" }, baseUrl, ...common }),
  "lineworks-v1": (baseUrl) =>
    createLineWorksV1Client({ apiId: "kr1wwTrYrbIot", consumerKey: "k", token: "t", baseUrl, ...common }),
};

let server: http.Server;
let origin: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${new URL(req.url!, "http://x").pathname}`);
    req.resume().on("end", () => res.writeHead(200, { "Content-Type": "application/json" }).end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Server {
  url: string;
}
type PathItem = Record<string, { operationId?: string; servers?: Server[] }> & { servers?: Server[] };
/** The parts of a spec this test reads: its servers and each operation's own. */
interface ServedSpec {
  servers: Server[];
  paths: Record<string, PathItem>;
}

/** The operation's server path below the spec's root server ("" for the root, or for a server on another host). */
function documentedPrefix(spec: ServedSpec, route: string, method: string): string {
  const root = spec.servers[0]!.url.replace(/\/$/, "");
  const item = spec.paths[route]!;
  const own = (item[method]!.servers ?? item.servers ?? spec.servers)[0]!.url.replace(/\/$/, "");
  return own.startsWith(`${root}/`) ? own.slice(root.length) : "";
}

function expectedPath(spec: ServedSpec, route: string, method: string, path: Record<string, unknown>) {
  const filled = route.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(path[name])));
  return BASE_PATH + documentedPrefix(spec, route, method) + filled;
}

for (const api of Object.keys(clients)) {
  describe(`${api}: every operation under a base URL`, () => {
    const spec = loadSpec(api);
    const served = spec as unknown as ServedSpec;
    const operations = Object.entries(served.paths).flatMap(([route, item]) =>
      ["get", "post", "put", "patch", "delete"]
        .filter((method) => item[method])
        .map((method) => ({ route, method, id: String(item[method]!.operationId) })),
    );

    it("covers every operation of the client's table", () => {
      expect(operations.map((op) => op.id).sort()).toEqual(Object.keys(tables[api]!.operations).sort());
    });

    it.each(operations)("$id goes to the base + its documented path", async ({ route, method, id }) => {
      const client = clients[api]!(`${origin}${BASE_PATH}/`) as AnyClient;
      const call = exampleCall(spec, id);
      seen.length = 0;
      await client[call.method]!(call.path, { params: call.params, body: call.body });
      await client.close();
      expect(seen).toEqual([`${method.toUpperCase()} ${expectedPath(served, route, method, call.params.path ?? {})}`]);
    });
  });
}

describe("the rule, stated per case", () => {
  const calls = [
    // LINE WORKS custom properties: documented at https://www.worksapis.com/v1.0/contacts/custom-properties.
    ["lineworks", "listContactCustomProperties", "GET /gateway/bizchat/contacts/custom-properties"],
    ["lineworks", "listContacts", "GET /gateway/bizchat/contacts"],
    // Another host (LINE WORKS' authorization server, LINE's manager.line.biz): the base + the operation's path.
    ["lineworks", "issueAccessToken", "POST /gateway/bizchat/token"],
    ["line", "attachModule", "POST /gateway/bizchat/module/auth/v1/token"],
    ["lineworks-v1", "registerBot", "POST /gateway/bizchat/message/registerBot/v4"],
  ] as const;
  it.each(calls)("%s %s → %s", async (api, id, expected) => {
    const client = clients[api]!(`${origin}${BASE_PATH}`) as AnyClient;
    const call = exampleCall(loadSpec(api), id);
    seen.length = 0;
    await client[call.method]!(call.path, { params: call.params, body: call.body });
    await client.close();
    expect(seen).toEqual([expected]);
  });
});
