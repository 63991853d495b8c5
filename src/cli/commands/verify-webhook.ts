// bizchat verify-webhook <provider>: checks a delivery's signature over the raw body read from stdin, with the
// library's own verifiers (constant-time, never throwing on garbage), then sorts its events as a receiver would and
// reports each: valid, unknown type, or the schema issues of an invalid one. The secret may come from the
// environment so it does not have to appear on a command line.
import { parseArgs } from "node:util";
import { parseOrUsage, readStdin, UsageError } from "../args.js";
import { HELP } from "../help.js";
import type { CommandContext } from "../output.js";
import { parseProvider, type ProviderName } from "../providers.js";

type Verifier = (rawBody: Uint8Array, signature: string, secret: string) => boolean;
/** The events of a signed delivery as a receiver gets them. */
type Sorter = (rawBody: Uint8Array, signature: string, secret: string) => unknown[];

async function verifier(provider: ProviderName): Promise<{ verify: Verifier; sort?: Sorter }> {
  switch (provider) {
    case "chatwork": {
      const m = await import("../../chatwork/webhook.js");
      return {
        verify: m.verifyChatworkSignature,
        sort: (body, signature, token) => [m.parseChatworkWebhook(body, { token, signature })],
      };
    }
    case "line": {
      const m = await import("../../line/webhook.js");
      return {
        verify: m.verifyLineSignature,
        sort: (body, signature, channelSecret) => m.parseLineWebhook(body, { channelSecret, signature }).events,
      };
    }
    case "lineworks": {
      const m = await import("../../lineworks/webhook.js");
      return {
        verify: m.verifyLineWorksSignature,
        sort: (body, signature, botSecret) => [m.parseLineWorksWebhook(body, { botSecret, signature })],
      };
    }
    case "lineworks-v1":
      // API 1.0 callbacks have no schema in the specs: the signature only.
      return { verify: (await import("../../lineworks/webhook.js")).verifyLineWorksSignature };
  }
}

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

export async function verifyWebhookCommand(args: string[], { io, env, secrets }: CommandContext): Promise<number> {
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
  if (values.help) {
    io.stdout(HELP["verify-webhook"]!);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`verify-webhook: unexpected argument "${positionals[1]}"`, "verify-webhook");
  const provider = parseProvider(positionals[0], "verify-webhook");
  const secret = values.secret ?? env.BIZCHAT_WEBHOOK_SECRET;
  if (!secret)
    throw new UsageError("verify-webhook: no secret (set BIZCHAT_WEBHOOK_SECRET or pass --secret)", "verify-webhook");
  secrets.push(secret);
  const signature = values.signature ?? env.BIZCHAT_WEBHOOK_SIGNATURE;
  if (!signature)
    throw new UsageError(
      "verify-webhook: no signature (pass --signature or set BIZCHAT_WEBHOOK_SIGNATURE)",
      "verify-webhook",
    );
  if (process.stdin.isTTY) io.stderr("reading the raw body from stdin (end with Ctrl-D)…\n");

  const body = await readStdin();
  const { verify, sort } = await verifier(provider);
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
