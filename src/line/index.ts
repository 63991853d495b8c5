export { createLineClient, type LineClient, type LineClientOptions } from "./client.js";
export { paginateModules, type ModuleBot } from "./pagination.js";
export { attachedScopes, type AttachModuleResponse } from "./attach-scopes.js";
export {
  verifyLineSignature,
  parseLineWebhook,
  type LineWebhookPayload,
  type LineWebhookEvent,
  type LineKnownEvent,
  type LineModuleEvent,
  type LineUnknownEvent,
  type LineInvalidEvent,
  type ParseLineWebhookOptions,
} from "./webhook.js";
export type { paths as LinePaths, components as LineComponents } from "../../generated/line.js";
export { lineWebhookHandler, lineWebhookMiddleware, type LineWebhookReceiverOptions } from "./receiver.js";
