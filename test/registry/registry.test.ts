// The generated registry is the one list of providers: it matches redocly.yaml, each entry loads its own definition
// record, operation table and validators (one validator set per operation), and the CLI's provider list is exactly it.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { PROVIDER_NAMES, registry } from "../../generated/registry.js";
import { loadTable, parseProvider, PROVIDERS } from "../../src/cli/providers.js";

const apis = Object.keys(
  (yaml.load(readFileSync(new URL("../../redocly.yaml", import.meta.url), "utf8")) as { apis: object }).apis,
);

describe("generated/registry.ts", () => {
  it("lists exactly the apis of redocly.yaml, and the CLI accepts exactly those", () => {
    expect([...PROVIDER_NAMES]).toEqual(apis);
    expect([...PROVIDERS]).toEqual(apis);
    for (const api of apis) expect(parseProvider(api, "ops")).toBe(api);
    expect(() => parseProvider("acme", "ops")).toThrow(/unknown provider "acme"/);
  });

  it.each(PROVIDER_NAMES)(
    "%s: its spec exists and its table and validators cover the same operations",
    async (name) => {
      const entry = registry[name];
      expect(readFileSync(new URL(`../../${entry.spec}`, import.meta.url), "utf8")).toMatch(/^openapi: 3\.1/m);
      const [table, validators] = await Promise.all([entry.operations(), entry.validators()]);
      expect(Object.keys(validators).sort()).toEqual(Object.keys(table.operations).sort());
      expect(await loadTable(name)).toBe(table);
    },
  );

  it.each(PROVIDER_NAMES)(
    "%s: its definition record names it, and names only its spec's security schemes and its own variables",
    async (name) => {
      const [record, table] = await Promise.all([registry[name].definition(), registry[name].operations()]);
      expect(record.name).toBe(name);
      expect(Object.keys(table.securitySchemes)).toEqual(expect.arrayContaining(Object.keys(record.schemeVariables)));
      const own = new Set(record.environment.map((v) => v.name));
      const named = [...Object.values(record.schemeVariables), ...Object.values(record.serverVariables ?? {})];
      for (const text of named)
        for (const variable of text.match(/[A-Z][A-Z0-9_]{2,}/g) ?? []) expect(own).toContain(variable);
    },
  );
});
