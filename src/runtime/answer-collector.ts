// One exchange through an undici dispatcher, read whole: status, headers and body bytes, collected straight from
// the dispatch handler's callbacks. `Pool.request` would wrap the body in a Readable stream and its own promise for
// each call; reading the chunks as they arrive costs less (bench/RESULTS.md, section 1) and keeps the limits here:
// the caller's signal, the attempt's total time and maxResponseBytes end the exchange wherever it is.
// Handler API: https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler
import type { Dispatcher } from "undici";
import { isRedirect } from "./redirect.js";
import { AttemptFailure, type AttemptLimits } from "./sender.js";

export type RawHeaders = Record<string, string | string[] | undefined>;

/** What one exchange gives back before decompression. */
export interface RawAnswer {
  status: number;
  statusText: string;
  headers: RawHeaders;
  /** The body as received (still compressed); empty for a redirect, whose body is read to the end and dropped. */
  bytes: Uint8Array;
}

export interface ExchangeOptions {
  limits: AttemptLimits;
  /** Date.now() after which the attempt has taken too long (0: no limit). */
  endsAt: number;
}

type Settle = { resolve(answer: RawAnswer): void; reject(reason: unknown): void };

class AnswerCollector implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private failure: unknown = null;
  private settled = false;
  private status = 0;
  private statusText = "";
  private headers: RawHeaders = {};
  private chunks: Buffer[] = [];
  private total = 0;
  private keep = true;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly settle: Settle,
  ) {}

  /** Ends the exchange with `reason` now; a request still queued in the pool is dropped when it would start. */
  fail(reason: unknown): void {
    this.failure ??= reason;
    if (this.controller) this.controller.abort(reason as Error);
    this.finish(null, reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.failure !== null) controller.abort(this.failure as Error);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: RawHeaders,
    statusText?: string,
  ): void {
    if (status < 200) return; // 1xx interim answers: the final one follows
    this.status = status;
    this.statusText = statusText ?? "";
    this.headers = headers;
    this.keep = !isRedirect(status, headers.location); // read to the end and dropped, as fetch does
    const declared = headers["content-length"];
    const max = this.options.limits.maxResponseBytes;
    if (typeof declared === "string" && Number(declared) > max)
      this.fail(this.options.limits.tooLarge(status, Number(declared)));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.total += chunk.byteLength;
    const { limits, endsAt } = this.options;
    if (this.total > limits.maxResponseBytes) this.fail(limits.tooLarge(this.status, this.total));
    // undici's bodyTimeout bounds the gap between chunks; a body that keeps trickling in is bounded here.
    else if (endsAt && Date.now() > endsAt) this.fail(new AttemptFailure("timeout", "UND_ERR_BODY_TIMEOUT", undefined));
    else if (this.keep) this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const { chunks } = this;
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.finish({ status: this.status, statusText: this.statusText, headers: this.headers, bytes }, null);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.finish(null, this.failure ?? error);
  }

  private finish(answer: RawAnswer | null, reason: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    if (answer) this.settle.resolve(answer);
    else this.settle.reject(reason);
  }
}

/**
 * Sends one request through `dispatcher` and resolves with the whole answer. The caller's signal (and `timer`,
 * when given) abort it wherever it is: queued for a connection, waiting for headers, or reading the body.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: Dispatcher.DispatchOptions,
  options: ExchangeOptions,
  signal: AbortSignal | undefined,
): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    let onAbort: (() => void) | undefined;
    const settle: Settle = signal
      ? {
          resolve: (answer) => {
            signal.removeEventListener("abort", onAbort!);
            resolve(answer);
          },
          reject: (reason) => {
            signal.removeEventListener("abort", onAbort!);
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the signal's own reason, as fetch rejects
            reject(reason);
          },
        }
      : { resolve, reject };
    const collector = new AnswerCollector(options, settle);
    if (signal) {
      onAbort = () => collector.fail(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    dispatcher.dispatch(request, collector);
  });
}
