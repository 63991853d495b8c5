// Without an OpenTelemetry SDK registered, calls never import @opentelemetry/api (its own test file, so no other
// test has registered one in this worker): the module stays unloaded and no traceparent goes out.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { tracerRegistered, tracingApi } from "../../src/runtime/tracing.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

let api: FaultServer;
beforeAll(async () => {
  api = await startFaultServer((_req, res) => json(res, 200, {}));
});
afterAll(() => api.close());

it("no SDK: no import attempted, no span context sent, even with event listeners", async () => {
  const client = createChatworkClient({ token: "t-0123456789", baseUrl: api.url });
  const statuses: number[] = [];
  client.on("response", (e) => statuses.push(e.status));
  await client.GET("/me");
  await client.GET("/me");
  expect(statuses).toEqual([200, 200]);
  expect(tracerRegistered()).toBe(false);
  // undefined: loadTracingApi() was never called (null would mean it was tried and failed).
  expect(tracingApi()).toBeUndefined();
  expect(api.received.every((r) => r.headers.traceparent === undefined)).toBe(true);
  await client.close();
});
