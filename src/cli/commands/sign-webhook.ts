// bizchat sign-webhook <provider>: prints the signature a provider would send for the raw body read from stdin, to
// test a receiver (e.g. `curl -H "x-line-signature: $(bizchat sign-webhook line < body.json)" --data-binary @body.json`).
import { parseArgs } from "node:util";
import { signWebhook } from "../../runtime/webhook-signing.js";
import { parseOrUsage, readStdin } from "../args.js";
import { HELP } from "../help.js";
import type { CommandContext } from "../output.js";
import { webhookInput } from "./webhook-input.js";

export async function signWebhookCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseOrUsage("sign-webhook", () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { secret: { type: "string" }, help: { type: "boolean", short: "h" } },
    }),
  );
  const { io } = context;
  if (values.help) {
    io.stdout(HELP["sign-webhook"]!);
    return 0;
  }
  const { webhook, secret } = await webhookInput("sign-webhook", positionals, values.secret, context);
  if (process.stdin.isTTY) io.stderr("reading the raw body from stdin (end with Ctrl-D)…\n");
  const body = await readStdin();
  io.stdout(signWebhook(webhook.signing, body, secret).signature + "\n");
  return 0;
}
