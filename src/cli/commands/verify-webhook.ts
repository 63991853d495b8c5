// bizchat verify-webhook <provider>: checks a delivery's signature over the raw body read from stdin, with the
// library's own verifiers (constant-time, never throwing on garbage). The secret may come from the environment so
// it does not have to appear on a command line.
import { parseArgs } from "node:util";
import { parseOrUsage, readStdin, UsageError } from "../args.js";
import { HELP } from "../help.js";
import type { CommandContext } from "../output.js";
import { parseProvider, type ProviderName } from "../providers.js";

async function verifier(
  provider: ProviderName,
): Promise<(rawBody: Uint8Array, signature: string, secret: string) => boolean> {
  switch (provider) {
    case "chatwork":
      return (await import("../../chatwork/webhook.js")).verifyChatworkSignature;
    case "line":
      return (await import("../../line/webhook.js")).verifyLineSignature;
    case "lineworks":
    case "lineworks-v1":
      return (await import("../../lineworks/webhook.js")).verifyLineWorksSignature;
  }
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
  const valid = (await verifier(provider))(body, signature, secret);
  io.stdout(valid ? "valid\n" : "invalid\n");
  return valid ? 0 : 1;
}
