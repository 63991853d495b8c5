// The BUILT command line (dist/src/cli/main.js, produced by `npm run build`, which `npm test` runs first), run in a
// child process with none of the test process's provider credentials: the CLI suites share this runner.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const cli = path.join(root, "dist/src/cli/main.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the test process without any credential of ours, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(CHATWORK_|LINE_|LINEWORKS_|BIZCHAT_)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Throws when dist/src/cli is missing or older than src/cli (a suite would otherwise test stale code). */
export function requireBuiltCli(): void {
  if (!existsSync(cli))
    throw new Error(`${path.relative(root, cli)} is missing: run \`npm run build\` first (npm test does)`);
  const built = statSync(cli).mtimeMs;
  const sources = path.join(root, "src/cli");
  const stale = readdirSync(sources, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && statSync(path.join(sources, f)).mtimeMs > built,
  );
  if (stale.length)
    throw new Error(`dist/src/cli is older than src/cli/${stale[0]}: run \`npm run build\` first (npm test does)`);
}

// Asynchronous on purpose: the local server of a test must keep answering while the CLI runs.
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string | Buffer } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: cleanEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
