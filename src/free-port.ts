// A free loopback port, asked of the OS: for mock servers started on demand (test kit, CLI) and the tests' own
// helper processes. Internal: not an entry point of the package.
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
