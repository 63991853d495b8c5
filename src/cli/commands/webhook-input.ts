// What sign-webhook and verify-webhook both start from: the provider named on the command line, its webhook record,
// and the secret. The secret may come from the environment so it does not have to appear on a command line; it is
// added to the context's secrets at once so nothing printed afterwards can carry it.
import { UsageError } from "../args.js";
import type { CommandContext } from "../output.js";
import { loadDefinition, parseProvider } from "../providers.js";
import type { ProviderRecord } from "../../runtime/provider-record.js";

export interface WebhookInput {
  webhook: NonNullable<ProviderRecord["webhook"]>;
  secret: string;
}

export async function webhookInput(
  command: string,
  positionals: string[],
  secretOption: string | undefined,
  { env, secrets }: CommandContext,
): Promise<WebhookInput> {
  if (positionals.length > 1) throw new UsageError(`${command}: unexpected argument "${positionals[1]}"`, command);
  const provider = parseProvider(positionals[0], command);
  const { webhook } = await loadDefinition(provider);
  if (!webhook) throw new UsageError(`${command}: ${provider} sends no signed webhooks`, command);
  const secret = secretOption ?? env.BIZCHAT_WEBHOOK_SECRET;
  if (!secret) throw new UsageError(`${command}: no secret (set BIZCHAT_WEBHOOK_SECRET or pass --secret)`, command);
  secrets.push(secret);
  return { webhook, secret };
}
