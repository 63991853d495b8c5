// LINE WORKS bot callback receivers: verify X-WORKS-Signature (and X-WORKS-BotId when `botId` is given), answer 200
// at once (failed deliveries are not resent: https://developers.worksmobile.com/en/docs/bot-callback), then hand
// the event over. Callbacks carry no event id; identical deliveries have identical signatures (an HMAC of the
// bytes), which serve as the de-duplication key.
import {
  createWebhookReceiver,
  type NodeRequestHandler,
  type WebhookReceiverOptions,
  type WebRequestHandler,
} from "../runtime/webhook-receiver.js";
import type { WebhookValidation } from "../runtime/webhook-events.js";
import { parseLineWorksWebhook, type LineWorksCallbackEvent } from "./webhook.js";

export interface LineWorksWebhookReceiverOptions extends WebhookReceiverOptions<LineWorksCallbackEvent> {
  botSecret: string;
  /** When given, callbacks for another bot (X-WORKS-BotId) are refused with 401. */
  botId?: string;
  validate?: WebhookValidation;
}

function lineWorksReceiver(options: LineWorksWebhookReceiverOptions) {
  return createWebhookReceiver<LineWorksCallbackEvent>(
    {
      provider: "lineworks",
      parse: (rawBody, meta) => [
        parseLineWorksWebhook(rawBody, {
          botSecret: options.botSecret,
          signature: meta.header("x-works-signature"),
          botId: options.botId,
          receivedBotId: meta.header("x-works-botid"),
          validate: options.validate,
        }),
      ],
      deduplicationKey: (_event, meta) => {
        const signature = meta.header("x-works-signature")?.trim();
        return signature ? `lineworks:${signature}` : undefined;
      },
    },
    options,
  );
}

/** A web-standard handler `(request) => Promise<Response>`. */
export function lineWorksWebhookHandler(options: LineWorksWebhookReceiverOptions): WebRequestHandler {
  return lineWorksReceiver(options).handleRequest;
}

/** A Node `(req, res)` handler, usable as Express middleware; reads the raw body itself. */
export function lineWorksWebhookMiddleware(options: LineWorksWebhookReceiverOptions): NodeRequestHandler {
  return lineWorksReceiver(options).nodeHandler;
}
