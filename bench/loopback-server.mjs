// The loopback HTTP server every client is measured against, in a process of its own so its work does not share
// the clients' event loop. It answers the benchmarked LINE and Chatwork operations with the specs' own 200
// examples and the providers' headers (LINE's request id; Chatwork's x-ratelimit-*, announcing a quota so large
// that it never binds: this server measures clients, bench/enforcing-server.mjs measures quotas).
import { createServer } from "node:http";
import { deref, loadSpec } from "../scripts/lib/specs.mjs";
import { root } from "./lib.mjs";

/** The operation's 200 example as JSON text; "" where the spec declares no content (LINE's acquire answers empty). */
const example = (spec, path, method) => {
  const content = Object.values(deref(spec, spec.paths[path][method].responses["200"]).content ?? {})[0];
  if (!content) return "";
  return JSON.stringify(content.example ?? Object.values(content.examples)[0].value);
};
const [line, chatwork] = await Promise.all([loadSpec(root, "line"), loadSpec(root, "chatwork")]);
const routes = [
  ["GET", /^\/v2\/bot\/list(\?|$)/, example(line, "/v2/bot/list", "get"), "line"],
  [
    "POST",
    /^\/v2\/bot\/chat\/[^/]+\/control\/acquire$/,
    example(line, "/v2/bot/chat/{chatId}/control/acquire", "post"),
    "line",
  ],
  ["GET", /^\/v2\/rooms$/, example(chatwork, "/rooms", "get"), "chatwork"],
  ["POST", /^\/v2\/rooms\/\d+\/messages$/, example(chatwork, "/rooms/{room_id}/messages", "post"), "chatwork"],
];

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(req.url));
    if (!route) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ message: `no route ${req.method} ${req.url}` }));
    }
    const [, , body, provider] = route;
    const headers = body
      ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
      : { "content-length": 0 };
    if (provider === "line") headers["x-line-request-id"] = "bench";
    else {
      headers["x-ratelimit-limit"] = "1000000000";
      headers["x-ratelimit-remaining"] = "999999999";
      headers["x-ratelimit-reset"] = String((Math.floor(Date.now() / 300_000) + 1) * 300); // 5-minute windows
    }
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
