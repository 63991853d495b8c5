// bizchat ops <provider>: the operations of a spec, from the generated operation table (never from the YAML, so
// the list is exactly what the clients accept).
import { parseArgs } from "node:util";
import { parseOrUsage, UsageError } from "../args.js";
import { HELP } from "../help.js";
import { formatJson, type CommandContext } from "../output.js";
import { loadTable, parseProvider } from "../providers.js";

export async function opsCommand(args: string[], { io }: CommandContext): Promise<number> {
  const { values, positionals } = parseOrUsage("ops", () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }),
  );
  if (values.help) {
    io.stdout(HELP.ops!);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`ops: unexpected argument "${positionals[1]}"`, "ops");
  const provider = parseProvider(positionals[0], "ops");
  const table = await loadTable(provider);
  const rows = Object.entries(table.operations).map(([operationId, row]) => ({
    operationId,
    method: row.method,
    path: row.path,
    deprecated: row.deprecated,
    summary: row.summary ?? "",
  }));

  if (values.json) {
    io.stdout(formatJson(rows));
    return 0;
  }
  const header = { operationId: "OPERATION", method: "METHOD", path: "PATH", deprecated: "DEPRECATED" };
  const cells = [header, ...rows.map((r) => ({ ...r, deprecated: r.deprecated ? "yes" : "no" }))];
  const width = (key: keyof typeof header) => Math.max(...cells.map((c) => String(c[key]).length));
  const [w1, w2, w3] = [width("operationId"), width("method"), width("path")];
  io.stdout(
    cells
      .map(
        (c) =>
          `${c.operationId.padEnd(w1)}  ${c.method.padEnd(w2)}  ${c.path.padEnd(w3)}  ${c.deprecated}`.trimEnd() + "\n",
      )
      .join(""),
  );
  return 0;
}
