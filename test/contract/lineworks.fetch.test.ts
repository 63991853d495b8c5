// The lineworks contract suite again, through the fetch transport (an injected fetch) instead of the Node one.
import { expect, it } from "vitest";
import { fetchCalls, withFetchTransport } from "../support/contract-transport.js";

await withFetchTransport(() => import("./lineworks.test.js"));

it("sent the suite's calls through the injected fetch", () => {
  expect(fetchCalls()).toBeGreaterThan(10);
});
