// The scopes `bizchat call` hands a provider record for each operation, read from the generated operation table,
// checked against each spec's own security requirements (the operation's list, else the spec-wide one) for every
// operation of every provider, and by hand for the cases the CLI relies on.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { PROVIDER_NAMES, registry, type ProviderName } from "../../generated/registry.js";
import { scopesByScheme } from "../../src/cli/credentials.js";
import { loadTable } from "../../src/cli/providers.js";

type Requirement = Record<string, string[]>;
interface SpecOperation {
  operationId: string;
  security?: Requirement[];
}
interface Spec {
  security?: Requirement[];
  paths: Record<string, Partial<Record<string, SpecOperation>>>;
}
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** operationId → the security requirements that apply to it, straight from the YAML. */
function requirementsInSpec(file: string): Record<string, Requirement[]> {
  const spec = yaml.load(readFileSync(file, "utf8")) as Spec;
  const out: Record<string, Requirement[]> = {};
  for (const item of Object.values(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) out[operation.operationId] = operation.security ?? spec.security ?? [];
    }
  }
  return out;
}

describe("operation rows carry their security requirements' scopes", () => {
  it.each(PROVIDER_NAMES)("%s: securityScopes is the spec's requirements, aligned with security", async (name) => {
    const table = await loadTable(name);
    const inSpec = requirementsInSpec(registry[name].spec);
    expect(Object.keys(table.operations).sort()).toEqual(Object.keys(inSpec).sort());
    for (const [id, row] of Object.entries(table.operations)) {
      expect(row.securityScopes, id).toEqual(inSpec[id]);
      expect(
        row.securityScopes.map((r) => Object.keys(r)),
        id,
      ).toEqual(row.security);
    }
  });
});

describe("scopesByScheme: the scopes of the first requirement naming each scheme", () => {
  const rowOf = async (name: ProviderName, id: string) => (await loadTable(name)).operations[id]!;

  it.each([
    ["sendMessageToUser", { oauth2: ["bot.message"] }],
    ["getBotChannel", { oauth2: ["bot.message"] }],
    ["listBots", { oauth2: ["bot"] }],
    ["createBot", { oauth2: ["bot"] }],
    ["listContacts", { oauth2: ["contact"] }],
    ["createContact", { oauth2: ["contact"] }],
    ["issueAccessToken", {}],
  ])("lineworks %s → %j", async (id, expected) => {
    expect(scopesByScheme(await rowOf("lineworks", id))).toEqual(expected);
  });

  it("other providers: schemes without scopes map to [], OAuth schemes to their first requirement's scopes", async () => {
    expect(scopesByScheme(await rowOf("chatwork", "getRoom"))).toEqual({
      apiToken: [],
      oauth2: ["rooms.all:read_write"],
    });
    expect(scopesByScheme(await rowOf("lineworks-v1", "registerBot"))).toEqual({ consumerKey: [], bearer: [] });
  });
});
