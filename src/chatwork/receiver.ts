// Chatwork webhook receivers: verify the signature (header, or the chatwork_webhook_signature query parameter),
// deliver the event, answer 200 with an empty body (Chatwork reads at most 2,048 bytes of the answer:
// https://developer.chatwork.com/docs/webhook). Chatwork gives no event id: a delivery is identified by
// setting id + event type + message_id + update_time.
import {
  createWebhookReceiver,
  type NodeRequestHandler,
  type WebhookReceiverOptions,
  type WebRequestHandler,
} from "../runtime/webhook-receiver.js";
import type { WebhookValidation } from "../runtime/webhook-events.js";
import { parseChatworkWebhook, type ChatworkWebhookEvent } from "./webhook.js";

export interface ChatworkWebhookReceiverOptions extends WebhookReceiverOptions<ChatworkWebhookEvent> {
  /** The webhook token (base64). */
  token: string;
  validate?: WebhookValidation;
}

function deduplicationKey(event: ChatworkWebhookEvent): string | undefined {
  if (event.type !== undefined) return undefined;
  const e = event.webhook_event;
  return `chatwork:${event.webhook_setting_id}:${event.webhook_event_type}:${e.message_id}:${e.update_time}`;
}

/**
 * The query parameter as sent (URL-encoded). Not URLSearchParams: it turns a `+` of the base64 text into a space;
 * verifyChatworkSignature decodes the %-escapes itself.
 */
function querySignature(url: URL): string | undefined {
  return /[?&]chatwork_webhook_signature=([^&]*)/.exec(url.search)?.[1];
}

function chatworkReceiver(options: ChatworkWebhookReceiverOptions) {
  return createWebhookReceiver<ChatworkWebhookEvent>(
    {
      provider: "chatwork",
      parse: (rawBody, meta) => [
        parseChatworkWebhook(rawBody, {
          token: options.token,
          signature: meta.header("x-chatworkwebhooksignature") ?? querySignature(meta.url),
          validate: options.validate,
        }),
      ],
      deduplicationKey,
    },
    options,
  );
}

/** A web-standard handler `(request) => Promise<Response>`. */
export function chatworkWebhookHandler(options: ChatworkWebhookReceiverOptions): WebRequestHandler {
  return chatworkReceiver(options).handleRequest;
}

/** A Node `(req, res)` handler, usable as Express middleware; reads the raw body itself. */
export function chatworkWebhookMiddleware(options: ChatworkWebhookReceiverOptions): NodeRequestHandler {
  return chatworkReceiver(options).nodeHandler;
}
