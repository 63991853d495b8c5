// The per-operation contract checks shared by the LINE WORKS suites: each operation is sent with its spec example,
// once as is and once per declared error status (Prism's Prefer), through the untyped entry the CLI uses too.
import { describe, expect, it } from "vitest";
import { ApiError, errorClassForStatusForTest } from "../support/error-classes.js";
import { mockPrefer } from "../../src/testing.js";
import { callOperation } from "../../src/runtime/operation-call.js";
import { exampleCall, type Spec } from "../support/spec-examples.js";

/** One describe per operation id; `client` is read when the tests run (it is built in a beforeAll). */
export function describeExampleOperations(spec: Spec, ids: string[], client: () => object): void {
  describe.each(ids)("%s", (id) => {
    const call = exampleCall(spec, id);
    const send = (headers?: Record<string, string>) =>
      callOperation(client(), call.method, call.path, { params: call.params, body: call.body, headers });

    it(`succeeds with the spec's example (HTTP ${call.successStatus})`, async () => {
      const { error, response } = await send();
      expect(error).toBeUndefined();
      expect(response.status).toBe(call.successStatus);
    });

    for (const status of call.errorStatuses) {
      it(`maps the spec's ${status} example to its error class`, async () => {
        const { data, error } = await send(mockPrefer({ code: status }));
        expect(data).toBeUndefined();
        expect(error).toBeInstanceOf(ApiError);
        expect(error).toBeInstanceOf(errorClassForStatusForTest(status, error!.code));
        expect(error!.status).toBe(status);
        expect(error!.code).toBeTruthy();
      });
    }
  });
}
