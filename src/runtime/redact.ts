// Secrets never leave the machine inside an error, a log line or an inspected object.
// Field list after gaxios' defaultErrorRedactor (https://github.com/googleapis/gaxios, src/common.ts), extended with the
// providers' own credential headers (Chatwork x-chatworktoken, LINE WORKS consumerKey).
const SECRET_HEADER = /authorization|authentication|secret|token|consumerkey|api-?key|cookie|signature/i;
const SECRET_PARAM = /token|secret|assertion|password|code_verifier|^code$|signature/i;

export const REDACTED = "[REDACTED]";

export function redactHeaders(headers: Headers | Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) out[name.toLowerCase()] = SECRET_HEADER.test(name) ? REDACTED : value;
  return out;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, REDACTED);
    }
    parsed.username = parsed.username ? REDACTED : "";
    parsed.password = parsed.password ? REDACTED : "";
    return parsed.toString();
  } catch {
    return "[unparseable URL]";
  }
}

/** Form or JSON request fields such as client_secret or assertion are masked before an error keeps them. */
export function redactFields<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactFields) as T;
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = SECRET_PARAM.test(key) ? REDACTED : redactFields(field);
  return out as T;
}
