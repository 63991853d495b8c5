// Where the CLI writes: results (JSON, text or bytes) on stdout so they can be piped to jq; progress and errors on
// stderr. Every stderr line passes a scrubber that masks the credential values read from the environment, a
// second line of defence behind the runtime's redaction (a platform error such as an invalid-header TypeError may
// quote a header value verbatim).
import {
  ApiError,
  BizchatError,
  NetworkError,
  RequestValidationError,
  ResponseValidationError,
  TimeoutError,
  type ValidationIssue,
} from "../runtime/errors.js";
import { UsageError } from "./args.js";

export interface Io {
  // Properties, not methods: commands pass them on as plain functions.
  stdout: (text: string | Uint8Array) => void;
  stderr: (text: string) => void;
}

/** What every command gets: where to write, the environment, and the list of secrets stderr is scrubbed of. */
export interface CommandContext {
  io: Io;
  env: Record<string, string | undefined>;
  /** Commands add the credential values they read; the Io in this context already scrubs them from stderr. */
  secrets: string[];
}

export const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export const REDACTED = "[REDACTED]";

export function scrubber(secrets: readonly string[]): (text: string) => string {
  // Longest first, so a secret containing another is masked whole.
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/** An Io whose stderr is scrubbed of the secrets in `secrets`, a list commands add to as they read credentials. */
export function scrubbedIo(io: Io, secrets: readonly string[]): Io {
  return { stdout: io.stdout, stderr: (text) => io.stderr(scrubber(secrets)(text)) };
}

export interface Progress {
  /** A line of progress on stderr (suppressed by --quiet). */
  note: (text: string) => void;
  /** Starts a step: "text… " now, "done (1.9 s)" when the returned function is called. */
  step: (text: string) => (done: string) => void;
}

export function progress(io: Io, quiet: boolean): Progress {
  return {
    note: (text) => {
      if (!quiet) io.stderr(`${text}\n`);
    },
    step: (text) => {
      const started = performance.now();
      if (!quiet) io.stderr(`${text}… `);
      return (done) => {
        if (!quiet) io.stderr(`${done} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      };
    },
  };
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function issueLines(issues: readonly ValidationIssue[]): string[] {
  return issues.map(
    (i) => `  - ${i.field}: ${i.message} (rule: ${i.rule}${i.pointer ? `, pointer: ${i.pointer}` : ""})`,
  );
}

function where(error: BizchatError): string {
  return [error.provider, error.operationId].filter(Boolean).join(" ");
}

/** The runtime's message without its leading "operationId: ", which `where` already shows. */
function message(error: BizchatError): string {
  const prefix = `${error.operationId}: `;
  return error.operationId && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * The typed error as a few stderr lines: class name, provider and operation, status, the provider's own messages
 * and code. Only fields the runtime keeps redacted are shown; never the request headers.
 */
export function formatError(error: unknown): string {
  if (error instanceof UsageError) return `bizchat${error.command ? " " : ": "}${error.message}\n`;
  if (error instanceof RequestValidationError) {
    return (
      [`${error.name} (${where(error)}): invalid request, nothing was sent`, ...issueLines(error.issues)].join("\n") +
      "\n"
    );
  }
  if (error instanceof ResponseValidationError) {
    return (
      [
        `${error.name} (${where(error)}): HTTP ${error.status} answer does not match the spec`,
        ...issueLines(error.issues),
      ].join("\n") + "\n"
    );
  }
  if (error instanceof ApiError) {
    const lines = [`${error.name} (${where(error)}): HTTP ${error.status}`];
    for (const message of error.messages) lines.push(`  message: ${message}`);
    if (error.code) lines.push(`  code: ${error.code}`);
    if (error.requestId) lines.push(`  request id: ${error.requestId}`);
    if (error.rateLimit?.resetAt) lines.push(`  rate limit resets at: ${error.rateLimit.resetAt.toISOString()}`);
    lines.push(`  retryable: ${error.retryable ? "yes" : "no"}`);
    if (error.body !== undefined)
      lines.push(`  body: ${typeof error.body === "string" ? error.body.slice(0, 500) : JSON.stringify(error.body)}`);
    return lines.join("\n") + "\n";
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return `${error.name} (${where(error)}): ${message(error)}\n  request: ${error.request.method} ${error.request.url}\n`;
  }
  if (error instanceof BizchatError) return `${error.name} (${where(error)}): ${message(error)}\n`;
  if (error instanceof Error) return `${error.name}: ${error.message}\n`;
  return `error: ${String(error)}\n`;
}
