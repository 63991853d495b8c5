// The `plan` option of both LINE WORKS clients selects the documented per-plan limit from the spec, against a
// local node:http server that counts what arrives: a call beyond the plan's per-minute quota is held (and aborted
// unsent), a call within it goes out.
import { afterEach, describe, expect, it } from "vitest";
import { createLineWorksClient, createLineWorksV1Client } from "../../src/lineworks/index.js";
import { operationTable as v2Table } from "../../generated/lineworks.operations.js";
import { rateLimitForPlan } from "../../src/runtime/plans.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { exampleCall, loadSpec } from "../support/spec-examples.js";

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type AnyClient = Record<string, (path: string, init?: unknown) => Promise<unknown>> & { close(): Promise<void> };

/**
 * Calls one operation up to `count` times, one after another; a call within quota goes out at once, the first one
 * held by the limiter is aborted after a while. Returns how many reached the server.
 */
async function sentWithinWindow(client: AnyClient, api: string, operationId: string, count: number) {
  const call = exampleCall(loadSpec(api), operationId);
  for (let i = 0; i < count; i++) {
    const signal = AbortSignal.timeout(2000);
    const sent = await client[call.method]!(call.path, { params: call.params, body: call.body, signal }).then(
      () => true,
      () => false,
    );
    if (!sent) break;
  }
  await client.close();
  return server!.received.length;
}

async function answering() {
  server = await startFaultServer((req, res) =>
    req.url.includes("registerBot") ? json(res, 200, { botNo: 1 }) : json(res, 200, { contactTags: [] }),
  );
  return server.url;
}

describe("LINE WORKS API 2.0: plan", () => {
  const v2 = (baseUrl: string, options: object) =>
    createLineWorksClient({ auth: { accessToken: "t" }, baseUrl, retry: false, ...options }) as unknown as AnyClient;

  it("free: 60 requests/min per operation", async () => {
    expect(await sentWithinWindow(v2(await answering(), { plan: "free" }), "lineworks", "listContactTags", 61)).toBe(
      60,
    );
  });
  it("no plan (Standard/Advanced preset): the 61st call goes out", async () => {
    expect(await sentWithinWindow(v2(await answering(), {}), "lineworks", "listContactTags", 61)).toBe(61);
  });
  it("advanced: the 61st call goes out", async () => {
    expect(
      await sentWithinWindow(v2(await answering(), { plan: "advanced" }), "lineworks", "listContactTags", 61),
    ).toBe(61);
  });
  it("a class the caller configures wins over the plan's value", async () => {
    const client = v2(await answering(), { plan: "free", rateLimit: { classes: { default: { limit: 3 } } } });
    expect(await sentWithinWindow(client, "lineworks", "listContactTags", 5)).toBe(3);
  });

  it("every operation on the default class (added ones too) gets the plan's limit", () => {
    const planned = rateLimitForPlan(v2Table, "free", undefined);
    expect(planned).toEqual({ classes: { default: { limit: 60 } } });
    const onDefault = Object.values(v2Table.operations).filter((row) =>
      (row.rateLimit as readonly string[]).includes("default"),
    );
    expect(onDefault.length).toBeGreaterThan(20);
  });

  it("refuses a plan the provider does not name, saying which it names", () => {
    expect(() =>
      // @ts-expect-error "gold" is not a documented LINE WORKS plan
      createLineWorksClient({ auth: { accessToken: "t" }, plan: "gold" }),
    ).toThrow(/unknown plan "gold" \(documented plans: free, standard, advanced\)/);
  });
});

describe("LINE WORKS API 1.0: plan (Message category)", () => {
  const v1 = (baseUrl: string, options: object) =>
    createLineWorksV1Client({
      apiId: "kr1wwTrYrbIot",
      consumerKey: "k",
      token: "t",
      baseUrl,
      retry: false,
      rateLimit: { classes: { connections: { maxConcurrent: 100 } } },
      ...options,
    }) as unknown as AnyClient;

  it("no plan (Free preset): 60 requests/min", async () => {
    expect(await sentWithinWindow(v1(await answering(), {}), "lineworks-v1", "registerBot", 61)).toBe(60);
  });
  it("premium: 200 requests/min", async () => {
    expect(await sentWithinWindow(v1(await answering(), { plan: "premium" }), "lineworks-v1", "registerBot", 201)).toBe(
      200,
    );
  });
  it("free: 60 requests/min", async () => {
    expect(await sentWithinWindow(v1(await answering(), { plan: "free" }), "lineworks-v1", "registerBot", 61)).toBe(60);
  });
});
