export {
  createLineWorksClient,
  type LineWorksClient,
  type LineWorksClientOptions,
  type LineWorksPlan,
} from "./client.js";
export {
  createLineWorksV1Client,
  type LineWorksV1Client,
  type LineWorksV1ClientOptions,
  type LineWorksV1Plan,
} from "./client-v1.js";
export {
  serviceAccountAuth,
  refreshTokenAuth,
  LINE_WORKS_TOKEN_URL,
  type TokenProvider,
  type ServiceAccountAuthOptions,
  type RefreshTokenAuthOptions,
} from "./auth.js";
export { paginateContacts, type Contact, type ContactListQuery } from "./pagination.js";
export { uploadContactPhoto, type UploadContactPhotoOptions } from "./photo.js";
export {
  verifyLineWorksSignature,
  parseLineWorksWebhook,
  type ParseLineWorksWebhookOptions,
  type LineWorksCallbackEvent,
  type LineWorksKnownEvent,
  type LineWorksUnknownEvent,
  type LineWorksInvalidEvent,
  type LineWorksMessageContent,
} from "./webhook.js";
export {
  uploadBotAttachment,
  downloadBotAttachmentFile,
  type UploadBotAttachmentOptions,
  type UploadedBotAttachment,
  type DownloadBotAttachmentOptions,
  type DownloadedBotAttachment,
} from "./attachment.js";
export type { paths as LineWorksPaths, components as LineWorksComponents } from "../../generated/lineworks.js";
export type { paths as LineWorksV1Paths, components as LineWorksV1Components } from "../../generated/lineworks-v1.js";
export {
  lineWorksWebhookHandler,
  lineWorksWebhookMiddleware,
  type LineWorksWebhookReceiverOptions,
} from "./receiver.js";
