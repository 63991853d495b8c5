// Request bodies are serialized by the media type the spec declares for the operation (generated operation table):
// Chatwork POST/PUT read only form-urlencoded bodies since 2025-07-03 (https://developer.chatwork.com/changelog/202501-notice).
import type { ValidationIssue } from "./errors.js";

type Binary = Blob | Uint8Array | ArrayBuffer;

function isBinary(value: unknown): value is Binary {
  return value instanceof Blob || value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function byteLength(value: Binary): number {
  return value instanceof Blob ? value.size : value.byteLength;
}

function formValue(value: unknown): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  return String(value);
}

/**
 * An array is sent as repeated fields (OAS form style, explode true), or as one comma-separated value for the
 * fields the spec encodes with `explode: false` (Chatwork's account-id lists, e.g. `to_ids=123,542`).
 */
export function toFormUrlEncoded(
  body: Record<string, unknown>,
  commaSeparated: readonly string[] = [],
): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) form.append(key, formValue(value));
    else if (commaSeparated.includes(key)) form.append(key, value.map(formValue).join(","));
    else for (const item of value) form.append(key, formValue(item));
  }
  return form;
}

/** Binary parts keep their file name when given a `File`; other binaries are sent as `<field>.bin`. */
export function toMultipart(body: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (value instanceof File) form.append(key, value, value.name);
    else if (value instanceof Blob) form.append(key, value, `${key}.bin`);
    else if (value instanceof Uint8Array || value instanceof ArrayBuffer)
      form.append(key, new Blob([value as BlobPart]), `${key}.bin`);
    else form.append(key, formValue(value));
  }
  return form;
}

/** JSON Schema cannot see inside a Blob, so binary parts (type and documented size limit) are checked here. */
export function binaryPartIssues(body: unknown, binaryFields: Record<string, number | null>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!body || typeof body !== "object") return issues;
  for (const field in binaryFields) {
    const maxBytes = binaryFields[field]!;
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined) continue;
    const base = { location: "body", field: `body.${field}`, pointer: `/${field}` };
    if (!isBinary(value)) {
      issues.push({
        ...base,
        rule: "type",
        params: { type: "binary" },
        message: "must be a File, Blob, Uint8Array or ArrayBuffer",
      });
    } else if (maxBytes !== null && byteLength(value) > maxBytes) {
      issues.push({
        ...base,
        rule: "maxBytes",
        params: { limit: maxBytes, actual: byteLength(value) },
        message: `must NOT be larger than ${maxBytes} bytes (got ${byteLength(value)})`,
      });
    }
  }
  return issues;
}

/** False for text percent-encoding cannot represent (a lone UTF-16 surrogate): encodeURIComponent would throw. */
export function isEncodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
