// Contact photos are uploaded in two steps (https://developers.worksmobile.com/en/docs/contact-photo-create,
// https://developers.worksmobile.com/en/reference/file-upload): ask for an upload URL with the file's name and
// size, then POST the file to that absolute URL as multipart `Filedata`, with the same Bearer token.
import type { LineWorksClient } from "./client.js";
import { uploadFile } from "./upload-file.js";

export interface UploadContactPhotoOptions {
  contactId: string;
  /** The image. A File keeps its name; otherwise pass `fileName`. */
  file: Blob;
  fileName?: string;
  signal?: AbortSignal;
}

export async function uploadContactPhoto(client: LineWorksClient, options: UploadContactPhotoOptions) {
  const { fileName, file } = uploadFile(options, "uploadContactPhoto");
  const signal = options.signal ? { signal: options.signal } : {};
  const step1 = await client.POST("/contacts/{contactId}/photo", {
    params: { path: { contactId: options.contactId } },
    body: { fileName, fileSize: options.file.size },
    ...signal,
  });
  if (step1.error) throw step1.error;
  const uploadUrl = new URL(step1.data.uploadUrl);
  const uploadId = decodeURIComponent(uploadUrl.pathname.split("/").pop() ?? "");
  const step2 = await client.POST("/k/contact/photo/{uploadId}", {
    params: { path: { uploadId } },
    body: { Filedata: file },
    baseUrl: uploadUrl.origin,
    ...signal,
  });
  if (step2.error) throw step2.error;
  return { uploadUrl: uploadUrl.toString(), result: step2.data };
}
