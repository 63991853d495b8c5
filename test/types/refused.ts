// Shared by the type tests: every call a @ts-expect-error guards is also run, against a local server that counts
// requests, to show the client refuses it at run time too (for JavaScript callers and casts) before sending.
import { expect } from "vitest";
import { BizchatError, RequestValidationError } from "../../src/index.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

export function startCountingServer(): Promise<FaultServer> {
  return startFaultServer((_req, res) => json(res, 200, {}));
}

/** The call is refused before anything is sent: with `rule`, a RequestValidationError with an issue of that rule. */
export async function expectRefused(server: FaultServer, call: () => Promise<unknown>, rule?: string): Promise<void> {
  const error: unknown = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(rule ? RequestValidationError : BizchatError);
  if (rule) expect((error as RequestValidationError).issues.map((issue) => issue.rule)).toContain(rule);
  else expect((error as Error).message).toMatch(/is not an operation of the/);
  expect(server.count()).toBe(0);
}
