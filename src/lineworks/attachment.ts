// Bot attachments (https://developers.worksmobile.com/en/docs/bot-attachment-create,
// https://developers.worksmobile.com/en/reference/file-upload): an upload is two steps — ask for a single-use upload
// URL and a file ID, then POST the file to that absolute URL as multipart `Filedata` with the same Bearer token; the
// file ID then goes into an image, file, audio or video message or a rich menu. A download
// (https://developers.worksmobile.com/en/docs/bot-attachment-get) answers 302 with the file's URL in `Location`.
import type { LineWorksClient } from "./client.js";
import { uploadFile } from "./upload-file.js";

export interface UploadBotAttachmentOptions {
  botId: number;
  /** The file. A File keeps its name; otherwise pass `fileName`. */
  file: Blob;
  fileName?: string;
  signal?: AbortSignal;
}

export interface UploadedBotAttachment {
  /** Put this in the message (`fileId`) or the rich menu image; valid 24 hours. */
  fileId: string;
  uploadUrl: string;
}

// The documented shape of an upload URL: /k/emsg/r/{region}/{token}/{file name}.
const UPLOAD_PATH = /^\/k\/emsg\/r\/([^/]+)\/([^/]+)\/([^/]+)$/;

function uploadPathParams(uploadUrl: URL) {
  const match = UPLOAD_PATH.exec(uploadUrl.pathname);
  if (!match || uploadUrl.search) {
    throw new TypeError("uploadBotAttachment: the upload URL does not have the documented /k/emsg/r/… shape");
  }
  const [region, uploadId, fileName] = match.slice(1).map((segment) => decodeURIComponent(segment));
  return { region: region!, uploadId: uploadId!, fileName: fileName! };
}

/** Gets an upload URL for the bot, uploads the file to it and returns the file ID to send. */
export async function uploadBotAttachment(
  client: LineWorksClient,
  options: UploadBotAttachmentOptions,
): Promise<UploadedBotAttachment> {
  const { fileName, file } = uploadFile(options, "uploadBotAttachment");
  const signal = options.signal ? { signal: options.signal } : {};
  const step1 = await client.POST("/bots/{botId}/attachments", {
    params: { path: { botId: options.botId } },
    body: { fileName, fileSize: options.file.size },
    ...signal,
  });
  if (step1.error) throw step1.error;
  const uploadUrl = new URL(step1.data.uploadUrl);
  const step2 = await client.POST("/k/emsg/r/{region}/{uploadId}/{fileName}", {
    params: { path: uploadPathParams(uploadUrl) },
    body: { Filedata: file },
    baseUrl: uploadUrl.origin,
    ...signal,
  });
  if (step2.error) throw step2.error;
  return { fileId: step1.data.fileId, uploadUrl: uploadUrl.toString() };
}

export interface DownloadBotAttachmentOptions {
  botId: number;
  fileId: string;
  signal?: AbortSignal;
}

export interface DownloadedBotAttachment {
  file: Blob;
  contentType: string | null;
  /** Where the file was finally read from (the storage URL after the redirect). */
  url: string;
}

/**
 * Downloads a file a user sent to the bot (its `fileId` from the callback) or one the bot uploaded. The API's 302 is
 * followed by fetch, which drops the Authorization header when the redirect leaves the API's origin (Fetch standard,
 * HTTP-redirect fetch): the access token never reaches the storage host.
 */
export async function downloadBotAttachmentFile(
  client: LineWorksClient,
  options: DownloadBotAttachmentOptions,
): Promise<DownloadedBotAttachment> {
  const { data, error, response } = await client.GET("/bots/{botId}/attachments/{fileId}", {
    params: { path: { botId: options.botId, fileId: options.fileId } },
    parseAs: "blob",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (error) throw error;
  const file = data instanceof Blob ? data : new Blob([]);
  return { file, contentType: response.headers.get("content-type"), url: response.url };
}
