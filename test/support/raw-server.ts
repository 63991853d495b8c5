// A lower-level sibling of fault-server.ts for the reliability tests: the handler gets the raw request as soon as
// its head is parsed (before the body is read), so a test can reset the connection before or after reading the
// request, stall, or stream an endless body. It counts TCP connections and request heads separately, which is
// how a test proves "nothing reached the server" (0 requests) versus "the POST was sent once" (1 request).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** When the request head was parsed (ms since epoch). */
  at: number;
}

export interface RawServer {
  url: string;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Request heads parsed, in order (a request reset on connection never shows up here). */
  requests: SeenRequest[];
  count(method?: string, pathPrefix?: string): number;
  close(): Promise<void>;
}

export type RawHandler = (req: IncomingMessage, res: ServerResponse, index: number) => void | Promise<void>;

export interface RawServerOptions {
  /** Runs on every accepted connection, before any byte is read (e.g. `socket.destroy()`). */
  onConnection?: (socket: Socket, index: number) => void;
}

export async function startRawServer(handler: RawHandler, options: RawServerOptions = {}): Promise<RawServer> {
  const requests: SeenRequest[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers, at: Date.now() });
    void Promise.resolve(handler(req, res, requests.length - 1)).catch((error: unknown) => res.destroy(error as Error));
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    options.onConnection?.(socket, connections++);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    requests,
    count: (method, prefix) =>
      requests.filter((r) => (!method || r.method === method) && (!prefix || r.url.startsWith(prefix))).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads the whole request body. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A port nothing listens on (connection refused), found by binding and closing an ephemeral port. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * Node 20's bundled undici hangs the very first fetch of a process when the server closes that first connection
 * before sending anything (seen here with Node v20.20: no error, no settlement; later fetches fail with
 * UND_ERR_SOCKET at once). Tests that reset connections warm fetch up first so they test the client, not that quirk.
 */
export async function warmUpFetch(): Promise<void> {
  const server = await startRawServer((_req, res) => sendJson(res, 200, {}));
  await (await fetch(server.url)).text();
  await server.close();
}

let gcFunction: (() => void) | undefined;
/** A full GC, even without --expose-gc (the flag can be set at run time; `gc` is then visible in a new context). */
export function forceGc(): void {
  if (!gcFunction) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === "function") gcFunction = global.gc;
    else {
      setFlagsFromString("--expose-gc");
      gcFunction = runInNewContext("gc") as () => void;
    }
  }
  gcFunction();
  gcFunction();
}
