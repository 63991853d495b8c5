// bizchat mock <provider>: a Prism mock of one spec (src/testing.ts) served until SIGINT or SIGTERM, then closed
// cleanly so no Prism process is left behind. The base URL is the one line on stdout (scripts capture it).
import { parseArgs } from "node:util";
import { parseOrUsage, parsePort, UsageError } from "../args.js";
import { HELP } from "../help.js";
import { progress, type CommandContext } from "../output.js";
import { loadTable, parseProvider } from "../providers.js";

export async function mockCommand(args: string[], { io }: CommandContext): Promise<number> {
  const { values, positionals } = parseOrUsage("mock", () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string" },
        dynamic: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help) {
    io.stdout(HELP.mock!);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`mock: unexpected argument "${positionals[1]}"`, "mock");
  const provider = parseProvider(positionals[0], "mock");
  const port = parsePort(values.port, "mock");
  const log = progress(io, values.quiet ?? false);
  const operations = Object.keys((await loadTable(provider)).operations).length;

  // Signals that arrive while Prism is still starting are honoured as soon as it is up.
  let stopRequested: NodeJS.Signals | undefined;
  let wake: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stopRequested ??= signal;
    wake?.(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const { startMockServer } = await import("../../testing.js");
    const done = log.step(`starting Prism mock for ${provider}${values.dynamic ? " (dynamic)" : ""}`);
    let server;
    try {
      server = await startMockServer(provider, {
        ...(port !== undefined ? { port } : {}),
        dynamic: values.dynamic ?? false,
      });
    } catch (error) {
      done("failed");
      throw error;
    }
    done(`ready at ${server.url}`);
    io.stdout(`${server.url}\n`);
    log.note(`serving ${operations} ${provider} operations; Ctrl-C to stop`);
    const stop =
      stopRequested ??
      (await Promise.race([new Promise<NodeJS.Signals>((resolve) => (wake = resolve)), server.exited]));
    if (typeof stop !== "string") {
      log.note(`Prism stopped by itself (exit code ${stop})`);
      return 1;
    }
    const signal = stop;
    const stopped = log.step(`${signal}: stopping Prism`);
    await server.close();
    stopped("stopped");
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
