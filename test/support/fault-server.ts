// A real local HTTP server whose answers a test scripts, and which counts what it received: tests prove
// behaviour (retries, waits, nothing sent) from the server's own counters, not from mocks of the client.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

export type Handler = (req: ReceivedRequest, res: ServerResponse, index: number) => void | Promise<void>;

export interface FaultServer {
  url: string;
  received: ReceivedRequest[];
  count(method?: string, pathPrefix?: string): number;
  close(): Promise<void>;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startFaultServer(handler: Handler): Promise<FaultServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(entry);
      void Promise.resolve(handler(entry, res, received.length - 1)).catch((error: unknown) => {
        res.destroy(error as Error);
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    count: (method, prefix) =>
      received.filter((r) => (!method || r.method === method) && (!prefix || r.url.startsWith(prefix))).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts fault servers for the test file that calls it (at its top level); each is closed after its test. */
export function faultServers(): (handler: Handler) => Promise<FaultServer> {
  const open: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startFaultServer(handler);
    open.push(server);
    return server;
  };
}
