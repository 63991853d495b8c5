// bizchat sign-webhook <provider>: prints the signature a provider would send for the raw body read from stdin, to
// test a receiver (e.g. `curl -H "x-line-signature: $(bizchat sign-webhook line < body.json)" --data-binary @body.json`).
import { parseArgs } from "node:util";
import { signWebhook } from "../../runtime/webhook-signing.js";
import { parseOrUsage, readStdin, UsageError } from "../args.js";
import { HELP } from "../help.js";
import type { CommandContext } from "../output.js";
import { loadDefinition, parseProvider } from "../providers.js";

export async function signWebhookCommand(args: string[], { io, env, secrets }: CommandContext): Promise<number> {
  const { values, positionals } = parseOrUsage("sign-webhook", () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { secret: { type: "string" }, help: { type: "boolean", short: "h" } },
    }),
  );
  if (values.help) {
    io.stdout(HELP["sign-webhook"]!);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`sign-webhook: unexpected argument "${positionals[1]}"`, "sign-webhook");
  const provider = parseProvider(positionals[0], "sign-webhook");
  const { webhook } = await loadDefinition(provider);
  if (!webhook) throw new UsageError(`sign-webhook: ${provider} sends no signed webhooks`, "sign-webhook");
  const secret = values.secret ?? env.BIZCHAT_WEBHOOK_SECRET;
  if (!secret)
    throw new UsageError("sign-webhook: no secret (set BIZCHAT_WEBHOOK_SECRET or pass --secret)", "sign-webhook");
  secrets.push(secret);
  if (process.stdin.isTTY) io.stderr("reading the raw body from stdin (end with Ctrl-D)…\n");
  const body = await readStdin();
  io.stdout(signWebhook(webhook.signing, body, secret).signature + "\n");
  return 0;
}
