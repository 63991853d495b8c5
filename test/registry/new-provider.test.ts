// "Adding a provider is its spec, its redocly.yaml entry, its src/<provider>/ folder and its tests"
// (docs/adding-a-provider.md), proved on a temporary copy of the repository: the test-only provider of
// test/fixtures/providers/acme/ (a spec and a src/acme/ folder) and one redocly.yaml line are added, `npm run
// generate` runs there (lint included), and then the copy's own registry, test kit and CLI serve the new provider
// without any other file naming it. The package's registry never lists it.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDER_NAMES } from "../../generated/registry.js";
import type { Io } from "../../src/cli/output.js";
import type { ProviderRecord } from "../../src/runtime/provider-record.js";
import type { MockServer } from "../../src/testing.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fixture = path.join(root, "test/fixtures/providers/acme");

/** The parts of the copy's modules this test uses, typed by hand: the copy's ProviderName includes "acme". */
interface CopyRegistry {
  PROVIDER_NAMES: readonly string[];
  registry: Record<string, { spec: string; definition(): Promise<ProviderRecord> }>;
}
interface CopyTestKit {
  startMockServer: (provider: string) => Promise<MockServer>;
}
interface CopyCli {
  main: (argv: string[], io: Io, env: Record<string, string | undefined>) => Promise<number>;
}

let copy: string;
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(copy, file)).href)) as T;

/** Runs the copy's CLI in this process, collecting what it writes. */
async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const { main } = await load<CopyCli>("src/cli/main.ts");
  const code = await main(
    argv,
    {
      stdout: (text) => void (stdout += typeof text === "string" ? text : new TextDecoder().decode(text)),
      stderr: (text) => void (stderr += text),
    },
    env,
  );
  return { code, stdout, stderr };
}

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), "bizchat-new-provider-"));
  for (const entry of ["src", "generated", "specs", "scripts", "package.json", "redocly.yaml"]) {
    cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
  // The provider's own files: specs/acme.yaml and src/acme/.
  cpSync(fixture, copy, { recursive: true });
  // Its redocly.yaml entry.
  const redocly = readFileSync(path.join(copy, "redocly.yaml"), "utf8");
  writeFileSync(
    path.join(copy, "redocly.yaml"),
    redocly.replace(/^apis:\n/m, "apis:\n  acme:\n    root: specs/acme.yaml\n"),
  );
  const generate = spawnSync(process.execPath, ["scripts/generate.mjs"], { cwd: copy, encoding: "utf8" });
  expect(generate.status, generate.stdout + generate.stderr).toBe(0);
  // The new spec went through the same redocly lint as the others.
  expect(generate.stdout).toContain(`lint ${PROVIDER_NAMES.length + 1} specs`);
}, 600_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe("a provider added as docs/adding-a-provider.md says", () => {
  it("appears in the generated registry with its definition record, and only in the copy", async () => {
    const { PROVIDER_NAMES: names, registry } = await load<CopyRegistry>("generated/registry.ts");
    expect([...names]).toEqual(["acme", ...PROVIDER_NAMES]);
    expect(registry.acme!.spec).toBe("specs/acme.yaml");
    const record = await registry.acme!.definition();
    expect(record.name).toBe("acme");
    expect(record.environment.map((v) => v.name)).toEqual(["ACME_TOKEN"]);
    expect(PROVIDER_NAMES as readonly string[]).not.toContain("acme");
    // Its folder's index.ts is published as an entry point by the same run of `npm run generate`.
    const { exports } = JSON.parse(readFileSync(path.join(copy, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    expect(exports["./acme"]).toEqual({
      types: "./dist/src/acme/index.d.ts",
      import: "./dist/src/acme/index.js",
      default: "./dist/src/acme/index.js",
    });
    expect(Object.keys(exports).indexOf("./acme")).toBeLessThan(Object.keys(exports).indexOf("./testing"));
  });

  it("type-checks in the copy: its record's name is a ProviderName there, and its client is typed by its spec", () => {
    const { compilerOptions } = JSON.parse(
      readFileSync(path.join(root, "tsconfig.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""),
    ) as {
      compilerOptions: object;
    };
    const config = { compilerOptions, include: ["src/acme", "generated/registry.ts", "src/cli/main.ts"] };
    writeFileSync(path.join(copy, "tsconfig.acme.json"), JSON.stringify(config));
    const tsc = spawnSync(
      process.execPath,
      [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.acme.json", "--noEmit"],
      {
        cwd: copy,
        encoding: "utf8",
      },
    );
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 300_000);

  it("is served by the test kit's startMockServer, which checks its security scheme", async () => {
    const { startMockServer } = await load<CopyTestKit>("src/testing.ts");
    const mock = await startMockServer("acme");
    try {
      const ok = await fetch(`${mock.url}/widgets`, { headers: { "x-acme-token": "t" } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual([{ id: 1, name: "sprocket" }]);
      expect((await fetch(`${mock.url}/widgets`)).status).toBe(401);
    } finally {
      await mock.close();
    }
  }, 120_000);

  it("is listed by `bizchat ops`, and named in `bizchat --help` with its environment variable", async () => {
    const ops = await cli(["ops", "acme"]);
    expect(ops.code, ops.stderr).toBe(0);
    expect(ops.stdout).toMatch(/listWidgets\s+GET\s+\/widgets/);
    expect(ops.stdout).toMatch(/getWidget\s+GET\s+\/widgets\/\{widgetId\}/);
    const help = await cli(["--help"]);
    expect(help.stdout).toMatch(/acme:\n\s+ACME_TOKEN\s+API token/);
  });

  it("is called by `bizchat call` through a client its record builds, errors read by its record", async () => {
    const { startMockServer } = await load<CopyTestKit>("src/testing.ts");
    const mock = await startMockServer("acme");
    try {
      const env = { ACME_TOKEN: "acme-SECRET-token" };
      const got = await cli(["call", "acme", "getWidget", "-p", "widgetId=1", "--base-url", mock.url], env);
      expect(got.code, got.stderr).toBe(0);
      expect(JSON.parse(got.stdout)).toEqual({ id: 1, name: "sprocket" });
      const missing = await cli(["call", "acme", "getWidget", "-p", "widgetId=1", "--base-url", mock.url]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("acme getWidget needs credentials: set ACME_TOKEN");
      const failed = await cli(
        ["call", "acme", "getWidget", "-p", "widgetId=1", "--base-url", mock.url, "--prefer", "code=404"],
        env,
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("no such widget");
      expect(failed.stderr).not.toContain("acme-SECRET-token");
    } finally {
      await mock.close();
    }
  }, 120_000);
});
