// Spec-driven mock servers for tests (the project's own and users'): a Prism process serving one provider's spec,
// every operation of it at one base URL. Prism runs with --errors, so an example that breaks its own schema
// fails loudly instead of teaching tests wrong data (https://docs.stoplight.io/docs/prism/, `--errors`).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { registry, type ProviderName } from "../generated/registry.js";
import { freePort } from "./free-port.js";
import { servedSpec } from "./mock-spec.js";

/** Every provider of the generated registry can be mocked. */
export type MockProvider = ProviderName;

export interface MockServerOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Generate responses from the schemas instead of serving the examples (Prism's dynamic mode). */
  dynamic?: boolean;
  /** Milliseconds to wait for Prism to start (default 30 000). */
  startTimeoutMs?: number;
}

export interface MockServer {
  url: string;
  /** Resolves with Prism's exit code when the process ends (after close(), or if it dies while serving). */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

/** The part of Prism's output that explains a failure (it follows errors with its whole usage text). */
function prismFailure(output: string): string {
  const lines = output.split("\n").filter((line) => line.trim());
  const errors = lines.filter((line) => /error|✖|fatal|EADDRINUSE|ENOENT/i.test(line));
  return (errors.length ? errors : lines).slice(-10).join("\n");
}

/** Headers asking the mock for a given status and/or named example (Prism's `Prefer` header). */
export function mockPrefer(choice: { code?: number; example?: string; dynamic?: boolean }): { Prefer: string } {
  const parts: string[] = [];
  if (choice.code !== undefined) parts.push(`code=${choice.code}`);
  if (choice.example !== undefined) parts.push(`example=${choice.example}`);
  if (choice.dynamic !== undefined) parts.push(`dynamic=${choice.dynamic}`);
  return { Prefer: parts.join(", ") };
}

function specFile(provider: MockProvider): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const spec = registry[provider].spec; // relative to the package root: src/ in the repository, dist/src/ when built
  for (const root of [path.join(here, ".."), path.join(here, "..", "..")]) {
    const file = path.join(root, spec);
    if (existsSync(file)) return file;
  }
  throw new Error(`no spec for provider "${provider}" (expected ${spec} in the package)`);
}

function prismEntry(): string {
  const require = createRequire(import.meta.url);
  let pkgFile: string;
  try {
    pkgFile = require.resolve("@stoplight/prism-cli/package.json");
  } catch {
    throw new Error("startMockServer needs @stoplight/prism-cli: npm install --save-dev @stoplight/prism-cli");
  }
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin.prism!;
  return path.join(path.dirname(pkgFile), bin);
}

const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  "process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();",
)}`;

export async function startMockServer(provider: MockProvider, options: MockServerOptions = {}): Promise<MockServer> {
  const port = options.port ?? (await freePort());
  const args = [prismEntry(), "mock", "--errors", "-h", "127.0.0.1", "-p", String(port)];
  if (options.dynamic) args.push("--dynamic");
  const served = await servedSpec(provider, specFile(provider));
  args.push(served.file);
  // Prism dies with its parent, however the parent ends (a thrown error, process.exit, SIGKILL): its stdin is a pipe
  // from this process, which the OS closes when this process is gone, and the preloaded watchdog exits on its end.
  const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  child.once("exit", () => served.remove());
  let output = "";
  const url = `http://127.0.0.1:${port}`;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(
          `Prism did not start for ${provider} within ${options.startTimeoutMs ?? 30_000} ms:\n${prismFailure(output)}`,
        ),
      );
    }, options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with code ${code} for ${provider}:\n${prismFailure(output)}`));
    });
  });
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();

  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  return {
    url,
    exited,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export { signWebhook, type SignedWebhook, type WebhookProvider } from "./runtime/webhook-signing.js";
