// What both two-step uploads (bot attachments, contact photos) send: the file's name, given to the API in the first
// step, and the file as a File, posted as multipart `Filedata` in the second
// (https://developers.worksmobile.com/en/reference/file-upload).

export interface UploadFileOptions {
  /** A File keeps its name; otherwise pass `fileName`. */
  file: Blob;
  fileName?: string;
}

/** The upload's file name (`fileName`, else the File's) and the file as a File; `caller` names the helper in errors. */
export function uploadFile(options: UploadFileOptions, caller: string): { fileName: string; file: File } {
  const fileName = options.fileName ?? (options.file instanceof File ? options.file.name : undefined);
  if (!fileName) throw new TypeError(`${caller} needs fileName when file is not a File`);
  const file = options.file instanceof File ? options.file : new File([options.file], fileName);
  return { fileName, file };
}
