// The package as npm ships it: `npm pack` from the built tree (npm test builds first), the tarball's contents, and
// a fresh consumer project that installs the tarball from disk and then (1) imports every entry point from plain
// ESM, (2) type-checks a strict NodeNext program against the shipped .d.ts (with @ts-expect-error lines proving the
// types are real) and (3) runs the `bizchat` bin through npx.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  files: string[];
  bin?: Record<string, string>;
  exports: Record<string, string | { types: string; import: string; default?: string }>;
  engines: { node: string };
  sideEffects: boolean;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

function sh(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = 180_000,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: "false" },
      },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** The code entry points (every export but ./package.json). */
function entryPoints(): [string, { types: string; import: string; default?: string }][] {
  return Object.entries(pkg.exports).filter(
    (entry): entry is [string, { types: string; import: string; default?: string }] => typeof entry[1] === "object",
  );
}

let work: string;
let packed: PackResult;
let tarball: string;

beforeAll(async () => {
  for (const file of ["dist/src/index.js", "dist/src/cli/main.js", "dist/generated/chatwork.validators.js"]) {
    if (!existsSync(path.join(root, file)))
      throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  }
  work = mkdtempSync(path.join(tmpdir(), "bizchat-pack-"));
  const { stdout } = await sh("npm", ["pack", "--json", "--pack-destination", work], root);
  packed = (JSON.parse(stdout) as PackResult[])[0]!;
  tarball = path.join(work, packed.filename);
  console.log(
    `${packed.filename}: ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${packed.entryCount} files`,
  );
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("package.json", () => {
  it("declares an ESM package with types first in every export, a bin, Node ≥ 20.19 and optional Prism", () => {
    expect(pkg.engines.node).toBe(">=20.19");
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files.sort()).toEqual(["LICENSE", "README.md", "dist/generated", "dist/src", "specs"]);
    expect(Object.keys(pkg.exports).sort()).toEqual([
      ".",
      "./chatwork",
      "./line",
      "./lineworks",
      "./package.json",
      "./testing",
    ]);
    for (const [entry, conditions] of entryPoints()) {
      expect(Object.keys(conditions), entry).toEqual(["types", "import", "default"]);
      // `default` serves require() of the ESM build (Node ≥ 20.19 loads synchronous ESM through require).
      expect(conditions.default, entry).toBe(conditions.import);
    }
    expect(pkg.bin).toEqual({ bizchat: "dist/src/cli/main.js" });
    expect(pkg.peerDependenciesMeta?.["@stoplight/prism-cli"]?.optional).toBe(true);
  });
});

describe("tarball", () => {
  it("ships the built code, the specs and the README, and nothing dev-only", () => {
    const paths = packed.files.map((f) => f.path);
    const allowed = /^(dist\/src\/|dist\/generated\/|specs\/|README\.md$|package\.json$|LICENSE)/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|tests|bench|scripts|coverage|node_modules)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.tsbuildinfo$|\.test\.|\.spec\.|\.tgz$|(^|\/)\.env/.test(p))).toEqual([]);
    // TypeScript sources stay home; only declarations ship.
    expect(paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))).toEqual([]);

    const maps = paths.filter((p) => p.endsWith(".map"));
    const largest = [...packed.files].sort((a, b) => b.size - a.size).slice(0, 3);
    console.log(
      `tarball: ${packed.entryCount} files, ${maps.length} source maps; largest: ${largest.map((f) => `${f.path} ${(f.size / 1024).toFixed(0)} kB`).join(", ")}`,
    );
  });

  it("contains every export target, the bin (with its shebang) and the specs startMockServer serves", () => {
    const paths = new Set(packed.files.map((f) => f.path));
    expect(paths).toContain("LICENSE");
    for (const [, conditions] of entryPoints()) {
      expect(paths).toContain(conditions.types.replace(/^\.\//, ""));
      expect(paths).toContain(conditions.import.replace(/^\.\//, ""));
    }
    expect(paths).toContain("dist/src/cli/main.js");
    expect(readFileSync(path.join(root, "dist/src/cli/main.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(
      true,
    );
    for (const api of ["chatwork", "line", "lineworks", "lineworks-v1"]) expect(paths).toContain(`specs/${api}.yaml`);
  });
});

describe("a fresh consumer project", () => {
  let consumer: string;

  beforeAll(async () => {
    consumer = path.join(work, "consumer");
    mkdirSync(consumer);
    writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({ name: "bizchat-consumer", version: "1.0.0", private: true, type: "module" }, null, 2),
    );
    await sh(
      "npm",
      ["install", tarball, "typescript@^5.9", "@types/node@^20", "--no-audit", "--no-fund", "--prefer-offline"],
      consumer,
      200_000,
    );
  }, 220_000);

  it("imports every entry point from plain ESM, with the documented exports", async () => {
    writeFileSync(
      path.join(consumer, "check.mjs"),
      `
const expected = {
  "bizchat-openapi": ["BizchatError", "ApiError", "AuthenticationError", "PermissionError", "NotFoundError", "RateLimitError", "ServerError", "NetworkError", "TimeoutError", "RequestValidationError", "ResponseValidationError", "WebhookVerificationError"],
  "bizchat-openapi/chatwork": ["createChatworkClient", "verifyChatworkSignature", "parseChatworkWebhook"],
  "bizchat-openapi/line": ["createLineClient", "verifyLineSignature", "parseLineWebhook", "paginateModules"],
  "bizchat-openapi/lineworks": ["createLineWorksClient", "createLineWorksV1Client", "serviceAccountAuth", "verifyLineWorksSignature", "paginateContacts"],
  "bizchat-openapi/testing": ["startMockServer", "mockPrefer"],
};
const missing = [];
const modules = {};
for (const [specifier, names] of Object.entries(expected)) {
  modules[specifier] = await import(specifier);
  for (const name of names) if (typeof modules[specifier][name] !== "function") missing.push(specifier + " " + name);
}
// One error class across entry points, and validation before sending (port 9 would refuse anyway).
const client = modules["bizchat-openapi/chatwork"].createChatworkClient({ token: "t", baseUrl: "http://127.0.0.1:9" });
let validation = null;
try {
  await client.GET("/rooms/{room_id}", { params: { path: { room_id: "x" } } });
} catch (error) {
  validation = error instanceof modules["bizchat-openapi"].RequestValidationError ? error.issues[0].field : String(error);
}
client.close();
let deep = "importable";
try {
  await import("bizchat-openapi/dist/src/runtime/client.js");
} catch (error) {
  deep = error.code;
}
console.log(JSON.stringify({ missing, validation, deep, prefer: modules["bizchat-openapi/testing"].mockPrefer({ code: 404 }) }));
`,
    );
    const { stdout } = await sh(process.execPath, ["check.mjs"], consumer);
    expect(JSON.parse(stdout)).toEqual({
      missing: [],
      validation: "path.room_id",
      deep: "ERR_PACKAGE_PATH_NOT_EXPORTED",
      prefer: { Prefer: "code=404" },
    });
  });

  it("can be required from CommonJS (the `default` condition, Node ≥ 20.19)", async () => {
    writeFileSync(
      path.join(consumer, "check.cjs"),
      `const { createChatworkClient } = require("bizchat-openapi/chatwork");
const { RequestValidationError } = require("bizchat-openapi");
const { version } = require("bizchat-openapi/package.json");
console.log(JSON.stringify({ create: typeof createChatworkClient, error: typeof RequestValidationError, version }));
`,
    );
    const { stdout } = await sh(process.execPath, ["check.cjs"], consumer);
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({
      create: "function",
      error: "function",
      version: pkg.version,
    });
  });

  it("type-checks a strict NodeNext program against the shipped declarations", async () => {
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            types: ["node"],
            noEmit: true,
            skipLibCheck: false,
          },
          files: ["consumer.ts"],
        },
        null,
        2,
      ),
    );
    writeFileSync(
      path.join(consumer, "consumer.ts"),
      `import { ApiError, NotFoundError, RequestValidationError } from "bizchat-openapi";
import { createChatworkClient, verifyChatworkSignature } from "bizchat-openapi/chatwork";
import { createLineClient } from "bizchat-openapi/line";
import { createLineWorksClient } from "bizchat-openapi/lineworks";
import { mockPrefer, startMockServer, type MockServer } from "bizchat-openapi/testing";

export async function main(): Promise<void> {
  const mock: MockServer = await startMockServer("chatwork", { dynamic: false });
  const chatwork = createChatworkClient({ token: "t", baseUrl: mock.url, retry: { maxAttempts: 2 } });

  const { data, error } = await chatwork.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 322 } }, body: { body: "hello", self_unread: 0 } });
  if (data) {
    const id: string = data.message_id;
    console.log(id);
  }
  if (error instanceof NotFoundError) console.log(error.status, error.messages);
  const failed: ApiError | undefined = error;
  console.log(failed?.retryable);

  const room = await chatwork.GET("/rooms/{room_id}", { params: { path: { room_id: 322 } }, headers: mockPrefer({ code: 404 }) });
  const name: string | undefined = room.data?.name;
  console.log(name);

  // @ts-expect-error room_id is an integer in the spec
  await chatwork.POST("/rooms/{room_id}/messages", { params: { path: { room_id: "322" } }, body: { body: "hello" } });
  // @ts-expect-error the body is required
  await chatwork.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 322 } } });
  // @ts-expect-error self_unread is 0 or 1
  await chatwork.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 322 } }, body: { body: "hello", self_unread: 2 } });
  // @ts-expect-error not a path of the Chatwork spec
  await chatwork.GET("/rooms/{room_id}/nothing", { params: { path: { room_id: 322 } } });
  // @ts-expect-error a number is not a message id
  const wrong: number = data!.message_id;
  console.log(wrong);

  const line = createLineClient({ channelAccessToken: "t" });
  const modules = await line.GET("/v2/bot/list", { params: { query: { limit: 10 } } });
  console.log(modules.data?.bots.length);
  const works = createLineWorksClient({ auth: { accessToken: "t" } });
  await works.GET("/contacts", { params: { query: { count: 100 } } });

  try {
    await chatwork.GET("/rooms/{room_id}", { params: { path: { room_id: -1 } } });
  } catch (e) {
    if (e instanceof RequestValidationError) console.log(e.issues.map((i) => i.field + " " + i.rule));
  }
  const ok: boolean = verifyChatworkSignature("{}", "sig", "dG9rZW4=");
  console.log(ok);
  chatwork.close();
  line.close();
  works.close();
  await mock.close();
}
`,
    );
    const tsc = path.join(consumer, "node_modules/typescript/bin/tsc");
    const result = await sh(process.execPath, [tsc, "-p", "."], consumer).catch((error: Error) => error);
    expect(result instanceof Error ? result.message : "").toBe("");
  });

  // TypeScript 7 makes `"types": []` the default: a consumer that does not install @types/node must still compile
  // against every entry point, with the declarations themselves checked (no Buffer, NodeJS.*, node: imports).
  it("type-checks every entry point without Node's types (types: [], skipLibCheck: false)", async () => {
    const dir = path.join(consumer, "no-node-types");
    mkdirSync(dir, { recursive: true });
    const specifiers = entryPoints()
      .map(([subpath]) => subpath.replace(/^\./, "bizchat-openapi"))
      .filter((specifier) => specifier !== "bizchat-openapi/package.json");
    expect(specifiers.length).toBeGreaterThanOrEqual(5);
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: [],
          noEmit: true,
          skipLibCheck: false,
        },
        files: ["entry-points.ts"],
      }),
    );
    writeFileSync(
      path.join(dir, "entry-points.ts"),
      specifiers.map((specifier, i) => `import * as entry${i} from "${specifier}";`).join("\n") +
        `\nexport const entryPoints = [${specifiers.map((_, i) => `entry${i}`).join(", ")}];\n`,
    );
    const tsc = path.join(consumer, "node_modules/typescript/bin/tsc");
    const result = await sh(process.execPath, [tsc, "-p", "."], dir).catch((error: Error) => error);
    expect(result instanceof Error ? result.message : "").toBe("");
  }, 120_000);

  it("runs the bizchat bin through npx", async () => {
    const { stdout } = await sh("npx", ["--no", "--", "bizchat", "ops", "chatwork", "--json"], consumer, 60_000);
    const rows = JSON.parse(stdout) as { operationId: string }[];
    expect(rows).toHaveLength(32);
    const version = await sh("npx", ["--no", "--", "bizchat", "--version"], consumer, 60_000);
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
