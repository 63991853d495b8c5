// The portable transport: an injected `fetch`, or the runtime's own where the Node transport is not used (Bun,
// Deno, Cloudflare workerd). No Node API here: it must load and run on every runtime.
import { networkErrorCode } from "./retry.js";
import { abortAfter, bothSignals } from "./timers.js";
import { BizchatError } from "./errors.js";
import type { OutgoingRequest } from "./prepare.js";
import { MAX_REDIRECTS, isRedirect, redirected, redirectLimitReached } from "./redirect.js";
import { AttemptFailure, concatBytes, responseOf, type Answer, type AttemptLimits, type Sender } from "./sender.js";

const NO_BYTES = new Uint8Array(0);

/** Reads the whole body under the attempt's signal, refusing more than `limits.maxResponseBytes`. */
async function readWhole(response: Response, limits: AttemptLimits): Promise<Uint8Array> {
  const stream = response.body;
  if (stream === null) return NO_BYTES;
  const declared = response.headers.get("content-length");
  if (declared !== null && Number.isFinite(Number(declared)) && !response.headers.has("content-encoding")) {
    // The length is framed by the HTTP layer: the body cannot grow past it.
    if (Number(declared) > limits.maxResponseBytes) {
      await stream.cancel();
      throw limits.tooLarge(response.status, Number(declared));
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limits.maxResponseBytes) {
      await reader.cancel();
      throw limits.tooLarge(response.status, total);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

/** Aborts like AbortSignal.timeout: with a "TimeoutError" DOMException. */
const timeoutReason = () => new DOMException("The operation was aborted due to timeout", "TimeoutError");

/**
 * One request, redirects not followed. fetch(url, init) is fetch(new Request(url, init)) (Fetch standard): the
 * runtime's own fetch is spared building the Request; an injected fetch gets a Request, as it may expect one.
 */
function fetchOnce(
  fetchImpl: typeof globalThis.fetch,
  native: boolean,
  url: string,
  request: OutgoingRequest,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    body: request.body as BodyInit | null,
    redirect: "manual",
  };
  if (signal) init.signal = signal;
  return native ? fetchImpl(url, init) : fetchImpl(new Request(url, init));
}

export function createFetchSender(fetchImpl: typeof globalThis.fetch, native: boolean): Sender {
  return {
    async send(first: OutgoingRequest, limits: AttemptLimits): Promise<Answer> {
      const timer = limits.timeoutMs ? abortAfter(limits.timeoutMs, timeoutReason) : undefined;
      const signal = bothSignals(limits.signal, timer?.signal);
      try {
        // Redirects are followed here ("manual"), not by fetch: fetch drops only `authorization` when a redirect
        // leaves the origin, and a provider's own credential header (x-chatworktoken) must be dropped too.
        for (let request = first, redirects = 0; ; redirects++) {
          const url = request.origin + request.path;
          const response = await fetchOnce(fetchImpl, native, url, request, signal);
          const location = response.headers.get("location");
          if (isRedirect(response.status, location)) {
            await response.body?.cancel();
            if (redirects === MAX_REDIRECTS) throw redirectLimitReached();
            request = redirected(request, location, response.status, limits.credentialHeaders);
            continue;
          }
          const bytes = await readWhole(response, limits);
          const read = {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
            bytes,
            url: response.url || url,
          };
          return { ...read, toResponse: () => responseOf(read, response.headers) };
        }
      } catch (error) {
        if (limits.signal?.aborted) throw limits.signal.reason;
        if (timer?.signal.aborted) throw new AttemptFailure("timeout", undefined, error);
        if (error instanceof BizchatError || error instanceof AttemptFailure) throw error;
        throw new AttemptFailure("network", networkErrorCode(error), error);
      } finally {
        timer?.clear();
      }
    },
    close: () => Promise.resolve(),
  };
}
