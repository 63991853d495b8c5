// Argument parsing helpers around node:util parseArgs: every parse error becomes a UsageError (exit code 2) with a
// one-line message, and `name=value` / `@file` arguments are read the same way by every command.
import { readFile } from "node:fs/promises";

/** Bad command line: unknown command or option, missing or malformed argument. The CLI exits with code 2. */
export class UsageError extends Error {
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * Runs a parseArgs call (kept at the call site so its result stays precisely typed) and turns its errors into a
 * UsageError naming the command. Node's messages go on to explain `--` at length: only the first sentence is kept.
 */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isParseArgsError(error)) {
      const first = error.message.split(/\.\s/)[0]!.replace(/\.$/, "");
      throw new UsageError(`${command}: ${first}`, command);
    }
    throw error;
  }
}

/** Splits `name=value` at the first `=`; the value may itself contain `=`. */
export function keyValue(argument: string, option: string, command: string): [string, string] {
  const at = argument.indexOf("=");
  if (at <= 0) throw new UsageError(`${command}: ${option} expects name=value, got "${argument}"`, command);
  return [argument.slice(0, at), argument.slice(at + 1)];
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** `@path` reads a file, `@-` reads stdin, anything else is the value itself. */
export async function readArgument(value: string, option: string, command: string): Promise<Buffer> {
  if (!value.startsWith("@")) return Buffer.from(value, "utf8");
  const file = value.slice(1);
  if (file === "-") return readStdin();
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new UsageError(`${command}: cannot read ${option} file "${file}" (${code})`, command);
  }
}

export function parsePort(value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`${command}: --port must be a port number (0-65535), got "${value}"`, command);
  return port;
}

export function parsePositiveInteger(value: string | undefined, option: string, command: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    throw new UsageError(`${command}: ${option} must be a positive integer, got "${value}"`, command);
  return Number(value);
}
