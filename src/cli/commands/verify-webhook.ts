// bizchat verify-webhook <provider>: checks a delivery's signature over the raw body read from stdin, with the
// library's own verifier that the provider's definition record names (constant-time, never throwing on garbage),
// then sorts its events as a receiver would and reports each: valid, unknown type, or the schema issues of an
// invalid one. The secret may come from the
// environment so it does not have to appear on a command line.
import { parseArgs } from "node:util";
import { parseOrUsage, readStdin, UsageError } from "../args.js";
import { HELP } from "../help.js";
import type { CommandContext } from "../output.js";
import { webhookInput } from "./webhook-input.js";

/** One line per event: its type and how a receiver delivers it. */
function describeEvent(event: unknown, index: number): string {
  const e = event as { type?: unknown; webhook_event_type?: unknown; originalType?: string; issues?: unknown };
  if (e.type === "unknown") return `#${index} ${e.originalType}: unknown type (delivered as { type: "unknown" })`;
  if (e.type === "invalid") {
    const issues = (e.issues as { field: string; message: string }[]).map((i) => `${i.field} ${i.message}`);
    return `#${index} ${e.originalType || "(no type)"}: invalid (delivered as { type: "invalid" }): ${issues.join("; ")}`;
  }
  return `#${index} ${String(e.webhook_event_type ?? e.type)}: valid`;
}

function report(events: unknown[]): string {
  if (!events.length) return "no events (a connection check)\n";
  return events.map((event, i) => describeEvent(event, i) + "\n").join("");
}

export async function verifyWebhookCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseOrUsage("verify-webhook", () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        secret: { type: "string" },
        signature: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  const { io, env } = context;
  if (values.help) {
    io.stdout(HELP["verify-webhook"]!);
    return 0;
  }
  const { webhook, secret } = await webhookInput("verify-webhook", positionals, values.secret, context);
  const signature = values.signature ?? env.BIZCHAT_WEBHOOK_SIGNATURE;
  if (!signature)
    throw new UsageError(
      "verify-webhook: no signature (pass --signature or set BIZCHAT_WEBHOOK_SIGNATURE)",
      "verify-webhook",
    );
  if (process.stdin.isTTY) io.stderr("reading the raw body from stdin (end with Ctrl-D)…\n");

  const body = await readStdin();
  const { verify, sort } = await webhook.load();
  if (!verify(body, signature, secret)) {
    io.stdout("invalid\n");
    return 1;
  }
  io.stdout("valid\n");
  if (sort) {
    try {
      io.stdout(report(sort(body, signature, secret)));
    } catch (error) {
      // Signed but not JSON: a receiver answers 400.
      io.stdout(`not delivered: ${(error as Error).message}\n`);
    }
  }
  return 0;
}
