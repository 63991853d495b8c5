// A minimal loopback HTTP server run in its own process for benchmarks, so the server's work does not share the
// client's event loop. Answers every request with a small JSON body and LINE's request-id header.
import { createServer } from "node:http";

const body = JSON.stringify({ bots: [{ userId: "U6fe1bab7b1f4f7ccf16614560dceafdc", basicId: "@123abcde", displayName: "さくら珈琲" }] });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-line-request-id": "bench" });
    res.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
