// LINE webhook receivers: verify x-line-signature, deliver every event, de-duplicate redeliveries on
// `webhookEventId` (https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects).
import {
  createWebhookReceiver,
  type NodeRequestHandler,
  type WebhookReceiverOptions,
  type WebRequestHandler,
} from "../runtime/webhook-receiver.js";
import { fieldOf, type WebhookValidation } from "../runtime/webhook-events.js";
import { parseLineWebhook, type LineWebhookEvent } from "./webhook.js";

export interface LineWebhookReceiverOptions extends WebhookReceiverOptions<LineWebhookEvent> {
  channelSecret: string;
  validate?: WebhookValidation;
}

function lineReceiver(options: LineWebhookReceiverOptions) {
  return createWebhookReceiver<LineWebhookEvent>(
    {
      provider: "line",
      parse: (rawBody, meta) =>
        parseLineWebhook(rawBody, {
          channelSecret: options.channelSecret,
          signature: meta.header("x-line-signature"),
          validate: options.validate,
        }).events,
      deduplicationKey: (event) => {
        const id =
          event.type === "unknown" || event.type === "invalid"
            ? fieldOf(event.event, "webhookEventId")
            : event.webhookEventId;
        return typeof id === "string" && id ? `line:${id}` : undefined;
      },
    },
    options,
  );
}

/** A web-standard handler: `export default { fetch: lineWebhookHandler({ channelSecret, onEvent }) }`. */
export function lineWebhookHandler(options: LineWebhookReceiverOptions): WebRequestHandler {
  return lineReceiver(options).handleRequest;
}

/** A Node `(req, res)` handler, usable as Express middleware; reads the raw body itself. */
export function lineWebhookMiddleware(options: LineWebhookReceiverOptions): NodeRequestHandler {
  return lineReceiver(options).nodeHandler;
}
