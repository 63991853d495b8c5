// bizchat call <provider> <operationId>: one operation through the provider's typed client. The client does the
// work a program using the library would get: validation before sending (nothing is sent when invalid), auth for
// the operation's security scheme, retries where safe, typed error classes. The CLI only turns strings into the
// call's params and body and prints the outcome.
import { writeFile } from "node:fs/promises";
import { freePort } from "../../free-port.js";
import path from "node:path";
import { parseArgs } from "node:util";
import type { MockProvider, MockServer } from "../../testing.js";
import { redactUrl } from "../../runtime/redact.js";
import { keyValue, parseOrUsage, parsePositiveInteger, readArgument, UsageError } from "../args.js";
import { missingCredentials, readCredentials, scopesByScheme } from "../credentials.js";
import { helpText } from "../help.js";
import { formatError, formatJson, progress, type CommandContext, type Io, type Progress } from "../output.js";
import { buildParams } from "../params.js";
import { loadTable, loadValidators, parseProvider, type CallInit } from "../providers.js";
import type { ClosableClient } from "../../runtime/provider-record.js";
import { callOperation } from "../../runtime/operation-call.js";
import { printEvents } from "../verbose.js";

const CONTENT_TYPES: Record<string, string> = {
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".json": "application/json",
  ".zip": "application/zip",
};

function parseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`call: --base-url must be an absolute http(s) URL, got "${value}"`, "call");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`call: --base-url must be http(s), got "${value}"`, "call");
  return value.replace(/\/+$/, "");
}

function parseBody(text: Buffer): unknown {
  try {
    return JSON.parse(text.toString("utf8"));
  } catch (error) {
    throw new UsageError(`call: --body is not valid JSON (${(error as Error).message})`, "call");
  }
}

async function readFiles(specs: string[], body: unknown): Promise<Record<string, unknown>> {
  if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) {
    throw new UsageError("call: --file needs --body to be a JSON object (the other form fields)", "call");
  }
  const out: Record<string, unknown> = { ...(body as Record<string, unknown> | undefined) };
  for (const spec of specs) {
    const [field, source] = keyValue(spec, "--file", "call");
    if (!source.startsWith("@")) throw new UsageError(`call: --file expects field=@path, got "${spec}"`, "call");
    const bytes = await readArgument(source, "--file", "call");
    const name = path.basename(source.slice(1));
    out[field] = new File([new Uint8Array(bytes)], name, {
      type: CONTENT_TYPES[path.extname(name).toLowerCase()] ?? "application/octet-stream",
    });
  }
  return out;
}

interface LazyMock {
  url: string;
  /** Starts Prism on first use; later calls wait for the same start. */
  ready(): Promise<void>;
  /** Why Prism could not start, when it could not (the transport would otherwise report a connection failure). */
  failure(): unknown;
  close(): Promise<void>;
}

/**
 * A mock that starts on the first request: validation runs first, so an invalid call fails at once and a mock is
 * started only for a call that is really sent.
 */
async function lazyMock(provider: MockProvider, progressOut: Progress): Promise<LazyMock> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let starting: Promise<MockServer> | undefined;
  let failure: unknown;
  const start = async () => {
    const { startMockServer } = await import("../../testing.js");
    const done = progressOut.step(`starting Prism mock for ${provider}`);
    try {
      const server = await startMockServer(provider, { port });
      done(`ready at ${server.url}`);
      return server;
    } catch (error) {
      done("failed");
      failure = error;
      throw error;
    }
  };
  return {
    url,
    ready: async () => {
      starting ??= start();
      await starting;
    },
    failure: () => failure,
    close: async () => {
      const server = await starting?.catch(() => undefined);
      await server?.close();
    },
  };
}

/** The fetch handed to the client: reports each attempt actually sent (after validation), starting the mock first. */
function reportingFetch(lazy: LazyMock | undefined, note: Progress["note"]): typeof globalThis.fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    await lazy?.ready();
    const request = input instanceof Request ? input : new Request(input, init);
    note(`→ ${request.method} ${redactUrl(request.url)}`);
    const started = performance.now();
    const response = await globalThis.fetch(input, init);
    note(
      `← ${response.status}${response.statusText ? ` ${response.statusText}` : ""} (${Math.round(performance.now() - started)} ms)`,
    );
    return response;
  };
}

async function writeResult(
  data: unknown,
  response: Response,
  output: string | undefined,
  io: Io,
  note: Progress["note"],
): Promise<void> {
  let bytes: string | Uint8Array;
  if (data === undefined || data === null || data === "") {
    if (output) await writeFile(output, "");
    return;
  }
  if (data instanceof Blob) {
    bytes = new Uint8Array(await data.arrayBuffer());
    note(`  ${bytes.byteLength} bytes of ${response.headers.get("content-type") ?? "binary data"}`);
  } else if (typeof data === "string") {
    bytes = data.endsWith("\n") ? data : `${data}\n`;
  } else {
    bytes = formatJson(data);
  }
  if (output) {
    await writeFile(output, bytes);
    note(`  written to ${output}`);
  } else {
    io.stdout(bytes);
  }
}

export async function callCommand(args: string[], { io, env, secrets }: CommandContext): Promise<number> {
  const { values, positionals } = parseOrUsage("call", () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        param: { type: "string", short: "p", multiple: true },
        body: { type: "string", short: "b" },
        file: { type: "string", multiple: true },
        mock: { type: "boolean" },
        "base-url": { type: "string" },
        prefer: { type: "string" },
        "no-retry": { type: "boolean" },
        timeout: { type: "string" },
        output: { type: "string", short: "o" },
        quiet: { type: "boolean", short: "q" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help) {
    io.stdout(await helpText("call"));
    return 0;
  }
  const provider = parseProvider(positionals[0], "call");
  const operationId = positionals[1];
  if (!operationId) throw new UsageError(`call: missing <operationId> (run: bizchat ops ${provider})`, "call");
  if (positionals.length > 2) throw new UsageError(`call: unexpected argument "${positionals[2]}"`, "call");
  if (values.mock && values["base-url"])
    throw new UsageError("call: use either --mock or --base-url, not both", "call");
  const baseUrl = parseBaseUrl(values["base-url"]);
  const timeoutMs = parsePositiveInteger(values.timeout, "--timeout", "call");
  const log = progress(io, values.quiet ?? false);

  const table = await loadTable(provider);
  const row = table.operations[operationId];
  if (!row)
    throw new UsageError(`call: ${provider} has no operation "${operationId}" (run: bizchat ops ${provider})`, "call");
  if (values.file?.length && row.requestBody?.contentType !== "multipart/form-data") {
    throw new UsageError(
      `call: --file is for multipart/form-data bodies; ${operationId} takes ${row.requestBody?.contentType ?? "no body"}`,
      "call",
    );
  }

  const mock = values.mock ?? false;
  const scopes = scopesByScheme(row);
  const credentials = await readCredentials(provider, env, { mock, scopes });
  const { createClient, supplied, record } = credentials;
  secrets.push(...credentials.secrets);
  for (const note of credentials.notes ?? []) log.note(note);
  const missing = missingCredentials(record, operationId, row, supplied, Boolean(baseUrl) || mock);
  if (missing) throw new UsageError(`call: ${missing}`, "call");

  const validators = (await loadValidators(provider))[operationId]!;
  const inputs = (values.param ?? []).map((p) => keyValue(p, "--param", "call"));
  const init: CallInit = {};
  const headers: Record<string, string> = {};
  if (values.prefer) headers.Prefer = values.prefer;
  let lazy: LazyMock | undefined;
  let client: ClosableClient | undefined;

  try {
    // Unknown parameter names are reported like any other invalid input: below, with exit code 1.
    init.params = buildParams(provider, operationId, row, validators.params, inputs);
    let body = values.body !== undefined ? parseBody(await readArgument(values.body, "--body", "call")) : undefined;
    if (values.file?.length) body = await readFiles(values.file, body);
    if (body !== undefined) init.body = body;
    if (Object.keys(headers).length) init.headers = headers;

    if (mock) lazy = await lazyMock(provider, log);
    client = await createClient({
      ...(lazy ? { baseUrl: lazy.url } : baseUrl ? { baseUrl } : {}),
      fetch: reportingFetch(lazy, log.note),
      // One call per process: there is no window to share, so client-side limiting adds nothing. A Prefer'd mock
      // answer would be the same on every attempt, so it is not retried.
      rateLimit: false,
      ...(values["no-retry"] || values.prefer ? { retry: false as const } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });

    if (values.verbose) printEvents(client, (text) => io.stderr(text));
    let result;
    try {
      result = await callOperation(client, row.method, row.path, init);
    } catch (error) {
      throw lazy?.failure() ?? error;
    }
    const { data, error, response } = result;
    if (error) {
      io.stderr(formatError(error));
      return 1;
    }
    await writeResult(data, response, values.output, io, log.note);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr(formatError(error));
    return 1;
  } finally {
    await client?.close();
    await lazy?.close();
  }
}
