// A loopback server (own process) that enforces a Chatwork-style quota the way the provider does: fixed windows
// aligned to the clock, `x-ratelimit-limit/remaining/reset` on every answer (reset as a Unix time in seconds), 429
// once a window is spent. Usage: node enforcing-server.mjs <limit> <windowMs>. Over IPC, `{ from, to }` answers
// the requests accepted in the windows wholly inside [from, to] (in all and per window index) and the 429s sent so far.
import { createServer } from "node:http";

const limit = Number(process.argv[2] ?? 300);
const windowMs = Number(process.argv[3] ?? 3000);
const accepted = new Map(); // window index → requests accepted
let rejected429 = 0;
const body = JSON.stringify({ account_id: 123, room_id: 322, name: "山田 太郎" });

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const window = Math.floor(Date.now() / windowMs);
    const used = accepted.get(window) ?? 0;
    const headers = {
      "content-type": "application/json",
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-reset": String(((window + 1) * windowMs) / 1000),
    };
    if (used >= limit) {
      rejected429++;
      res.writeHead(429, { ...headers, "x-ratelimit-remaining": "0" });
      return res.end(JSON.stringify({ errors: ["You have exceeded the rate limit"] }));
    }
    accepted.set(window, used + 1);
    res.writeHead(200, { ...headers, "x-ratelimit-remaining": String(limit - used - 1) });
    res.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", ({ from, to }) => {
  let windows = 0;
  let total = 0;
  const byWindow = {};
  for (let w = Math.ceil(from / windowMs); (w + 1) * windowMs <= to; w++, windows++) {
    byWindow[w] = accepted.get(w) ?? 0;
    total += byWindow[w];
  }
  process.send({ windows, accepted: total, allowed: windows * limit, rejected429, byWindow });
});
process.on("disconnect", () => process.exit(0));
