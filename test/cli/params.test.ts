// `--param name=value` finds each parameter where the spec documents it — path, query and header — through the same
// validators and operation table the generator emits (compiled here from a small spec with one of each).
import { describe, expect, it } from "vitest";
import { buildParams } from "../../src/cli/params.js";
import { RequestValidationError } from "../../src/runtime/errors.js";
import type { OperationRow } from "../../src/runtime/client.js";
import type { Validator } from "../../src/runtime/validate.js";

interface GeneratorLibs {
  validatorSchemas(
    spec: object,
    options: { standalone: boolean },
  ): { ajv: { getSchema(id: string): Validator | undefined }; table: Record<string, { params: string }> };
  buildOperationTable(spec: object): { operations: Record<string, OperationRow> };
}

const spec = {
  openapi: "3.1.0",
  info: { title: "params", version: "1" },
  servers: [{ url: "https://api.example.test" }],
  paths: {
    "/rooms/{room_id}/files": {
      get: {
        operationId: "listFiles",
        parameters: [
          { name: "room_id", in: "path", required: true, schema: { type: "integer" } },
          { name: "account_id", in: "query", schema: { type: "integer" } },
          { name: "x-request-tag", in: "header", schema: { type: "string", maxLength: 8 } },
          { name: "x-page-size", in: "header", schema: { type: "integer" } },
        ],
        responses: { "200": { description: "ok" } },
      },
    },
  },
};

async function compiled() {
  const load = (file: string) => import(new URL(`../../scripts/lib/${file}`, import.meta.url).href);
  const libs = { ...(await load("validators.mjs")), ...(await load("operation-table.mjs")) } as GeneratorLibs;
  const { ajv, table } = libs.validatorSchemas(spec, { standalone: false });
  const validator = ajv.getSchema(table.listFiles!.params)!;
  const row = libs.buildOperationTable(spec).operations.listFiles!;
  return (inputs: [string, string][]) => buildParams("chatwork", "listFiles", row, validator, inputs);
}

describe("--param", () => {
  it("puts path, query and documented header parameters where the spec says, typed from their schemas", async () => {
    const build = await compiled();
    expect(
      build([
        ["room_id", "322"],
        ["account_id", "7"],
        ["x-request-tag", "batch-1"],
        ["X-Page-Size", "50"],
      ]),
    ).toEqual({
      path: { room_id: 322 },
      query: { account_id: 7 },
      header: { "x-request-tag": "batch-1", "x-page-size": 50 },
    });
  });

  it("refuses a header the operation does not document, naming it, before anything is sent", async () => {
    const build = await compiled();
    let thrown: unknown;
    try {
      build([
        ["room_id", "322"],
        ["x-undocumented", "1"],
      ]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RequestValidationError);
    expect((thrown as RequestValidationError).issues).toContainEqual(
      expect.objectContaining({ field: "params.x-undocumented", rule: "additionalProperties" }),
    );
  });
});
