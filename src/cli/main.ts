#!/usr/bin/env node
// bizchat: the package's command line (package.json "bin"). Dispatches to one file per command; exit codes are
// 0 success, 1 failure (API error, invalid input, invalid signature), 2 usage error.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./args.js";
import { callCommand } from "./commands/call.js";
import { mockCommand } from "./commands/mock.js";
import { opsCommand } from "./commands/ops.js";
import { signWebhookCommand } from "./commands/sign-webhook.js";
import { verifyWebhookCommand } from "./commands/verify-webhook.js";
import { HELP, helpText } from "./help.js";
import { formatError, processIo, scrubbedIo, type CommandContext, type Io } from "./output.js";

const COMMANDS: Record<string, (args: string[], context: CommandContext) => Promise<number>> = {
  ops: opsCommand,
  call: callCommand,
  mock: mockCommand,
  "verify-webhook": verifyWebhookCommand,
  "sign-webhook": signWebhookCommand,
};

function version(): string {
  // dist/src/cli/main.js when installed, src/cli/main.ts when run from source.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "bizchat-openapi") return pkg.version ?? "unknown";
    }
  }
  return "unknown";
}

export async function main(
  argv: string[],
  io: Io = processIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const secrets: string[] = [];
  const context: CommandContext = { io: scrubbedIo(io, secrets), env, secrets };
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      const topic = command === "help" ? rest[0] : undefined;
      if (topic !== undefined && !HELP[topic]) throw new UsageError(`unknown command "${topic}"`);
      // Without any command the usage is an error message: stderr, exit 2.
      if (command === undefined) {
        io.stderr(await helpText("main"));
        return 2;
      }
      io.stdout(await helpText(topic ?? "main"));
      return 0;
    }
    if (command === "--version" || command === "-v") {
      io.stdout(`${version()}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) {
      throw new UsageError(
        command.startsWith("-")
          ? `unknown option "${command}"`
          : `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")})`,
      );
    }
    return await run(rest, context);
  } catch (error) {
    context.io.stderr(formatError(error));
    if (error instanceof UsageError) {
      context.io.stderr(`run: bizchat ${error.command ? `${error.command} ` : ""}--help\n`);
      return 2;
    }
    return 1;
  }
}

// Run only as the program (not when a test imports main()).
const invokedAs = process.argv[1] ? path.resolve(process.argv[1]) : "";
const self = fileURLToPath(import.meta.url);
let isEntry = invokedAs === self;
if (!isEntry && invokedAs) {
  try {
    // npm's bin shim is a symlink to this file.
    const { realpathSync } = await import("node:fs");
    isEntry = realpathSync(invokedAs) === realpathSync(self);
  } catch {
    isEntry = false;
  }
}
if (isEntry) {
  process.exitCode = await main(process.argv.slice(2));
}
