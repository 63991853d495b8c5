export { createChatworkClient, type ChatworkClient, type ChatworkClientOptions } from "./client.js";
export {
  verifyChatworkSignature,
  parseChatworkWebhook,
  type ChatworkWebhookPayload,
  type ChatworkWebhookEvent,
  type ChatworkUnknownEvent,
  type ChatworkInvalidEvent,
  type ParseChatworkWebhookOptions,
} from "./webhook.js";
export type { paths as ChatworkPaths, components as ChatworkComponents } from "../../generated/chatwork.js";
export { chatworkWebhookHandler, chatworkWebhookMiddleware, type ChatworkWebhookReceiverOptions } from "./receiver.js";
