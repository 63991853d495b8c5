// The README's "Testing your integration" example, run as written: the code between the markers below is the
// README's code block with only the imports changed (package entry points → this repository's sources). The last
// test fails when the two drift apart.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NotFoundError, RateLimitError } from "../../src/index.js";
import { createChatworkClient, type ChatworkClient } from "../../src/chatwork/index.js";
import { mockPrefer, startMockServer, type MockServer } from "../../src/testing.js";

// README example start
let mock: MockServer;
let chatwork: ChatworkClient;

beforeAll(async () => {
  mock = await startMockServer("chatwork"); // Prism serving the package's specs/chatwork.yaml on a free port
  // retry: false: a 429 or 5xx asked for with mockPrefer comes back at once instead of being retried.
  chatwork = createChatworkClient({ token: "test-token", baseUrl: mock.url, retry: false });
}, 30_000);

afterAll(async () => {
  await chatwork?.close();
  await mock?.close();
});

it("posts a message", async () => {
  const { data, error } = await chatwork.POST("/rooms/{room_id}/messages", {
    params: { path: { room_id: 322 } },
    body: { body: "[To:456] 資料を共有します" },
  });
  expect(error).toBeUndefined();
  expect(data?.message_id).toMatch(/^\d+$/); // the spec's example, a 64-bit id kept as a string
});

it("handles a room that does not exist", async () => {
  const { error } = await chatwork.GET("/rooms/{room_id}", {
    params: { path: { room_id: 999 } },
    headers: mockPrefer({ code: 404 }), // Prism answers with the spec's 404 example
  });
  expect(error).toBeInstanceOf(NotFoundError);
  expect(error?.messages).toEqual(["Resource not found"]);
});

it("handles the rate limit", async () => {
  const { error } = await chatwork.GET("/rooms", { headers: mockPrefer({ code: 429 }) });
  expect(error).toBeInstanceOf(RateLimitError);
  expect(error?.rateLimit?.resetAt).toBeInstanceOf(Date); // from the x-ratelimit-reset header
});
// README example end

it("is the README's example, word for word", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.split(/^## Testing your integration$/m)[1];
  expect(section, "README.md has a '## Testing your integration' section").toBeDefined();
  const block = /```ts\n([\s\S]*?)```/.exec(section!)?.[1] ?? "";
  const own = readFileSync(new URL(import.meta.url), "utf8");
  const region = own.slice(
    own.indexOf("// README example start\n") + "// README example start\n".length,
    own.indexOf("// README example end"),
  );
  const withoutImports = (code: string) =>
    code
      .split("\n")
      .filter((line) => !line.startsWith("import ") && !line.startsWith("// test/"))
      .join("\n")
      .trim();
  expect(withoutImports(block)).toBe(withoutImports(region));
  // The README imports the public entry points, exactly these names.
  expect(block).toContain('import { NotFoundError, RateLimitError } from "bizchat-openapi";');
  expect(block).toContain('import { createChatworkClient, type ChatworkClient } from "bizchat-openapi/chatwork";');
  expect(block).toContain('import { mockPrefer, startMockServer, type MockServer } from "bizchat-openapi/testing";');
});
