// A local server that enforces a Chatwork-style quota the way the provider does: fixed windows aligned to whole
// seconds, `x-ratelimit-limit/remaining/reset` (reset as a Unix time in seconds) on every answer and 429 once a
// window is spent. Its own counters (accepted per window, 429s) are what the quota tests assert on.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface QuotaServer {
  url: string;
  limit: number;
  windowMs: number;
  /** Requests accepted in each window, by window index (floor(time / windowMs)). */
  acceptedByWindow: Map<number, number>;
  rejected429: number;
  /** Accepted requests over the windows wholly inside [from, to], as a share of what those windows allowed. */
  quotaUsed(from: number, to: number): { windows: number; accepted: number; share: number };
  close(): Promise<void>;
}

export async function startQuotaServer(limit: number, windowMs: number, latencyMs = 2): Promise<QuotaServer> {
  if (windowMs % 1000 !== 0)
    throw new Error("windows must be whole seconds (the reset header has one-second resolution)");
  const acceptedByWindow = new Map<number, number>();
  const state = { rejected429: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      const used = acceptedByWindow.get(window) ?? 0;
      const headers = {
        "content-type": "application/json",
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-reset": String(((window + 1) * windowMs) / 1000),
      };
      if (used >= limit) {
        state.rejected429++;
        res.writeHead(429, { ...headers, "x-ratelimit-remaining": "0" });
        res.end(JSON.stringify({ errors: ["You have exceeded the rate limit"] }));
        return;
      }
      acceptedByWindow.set(window, used + 1);
      setTimeout(() => {
        res.writeHead(200, { ...headers, "x-ratelimit-remaining": String(limit - used - 1) });
        res.end(JSON.stringify({ account_id: 123, room_id: 322, name: "山田 太郎" }));
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    limit,
    windowMs,
    acceptedByWindow,
    get rejected429() {
      return state.rejected429;
    },
    quotaUsed(from, to) {
      let windows = 0;
      let accepted = 0;
      for (let w = Math.ceil(from / windowMs); (w + 1) * windowMs <= to; w++) {
        windows++;
        accepted += acceptedByWindow.get(w) ?? 0;
      }
      return { windows, accepted, share: windows ? accepted / (windows * limit) : 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
