// What a client tells its listeners (`client.on(name, listener)`), as stripe-node's `request`/`response` events and
// octokit's throttling callbacks do: each attempt that starts and ends, each retry and its wait, each wait in the
// rate limiter, each token renewal and the typed error that ends a call. Payloads are plain data built only when
// someone listens; none holds a credential (URLs and headers are redacted, errors never keep a secret).
import type { BizchatError, Provider } from "./errors.js";

/** What every event says about the call it belongs to. */
export interface CallEventBase {
  provider: Provider;
  operationId: string;
  /** HTTP method, upper case. */
  method: string;
  /** The URL the attempt goes to, with secrets in the query or user info replaced by `[REDACTED]`. */
  url: string;
  /** The attempt the event belongs to: 1 for the first send, 2 for the next…; 0 when nothing was sent. */
  attempt: number;
}

/** An attempt starts (credentials added, limiter slot taken). */
export interface RequestEvent extends CallEventBase {
  /** The headers sent, credentials redacted. */
  headers: Record<string, string>;
}

/** An attempt got an answer. */
export interface ResponseEvent extends CallEventBase {
  status: number;
  /** From the start of the attempt (limiter wait excluded) to the whole body read, in ms. */
  elapsedMs: number;
  /** The provider's request id header, when it sends one. */
  requestId: string | undefined;
}

/** Why an attempt is repeated: an answer's status, a time-out, or a connection failure (with its code). */
export type RetryReason =
  { kind: "status"; status: number } | { kind: "timeout" } | { kind: "network"; code: string | undefined };

/** The reason in a word: the status (`503`), the connection failure's code (or `network`), or `timeout`. */
export function describeRetryReason(reason: RetryReason): string {
  if (reason.kind === "status") return String(reason.status);
  return reason.kind === "network" ? (reason.code ?? "network") : "timeout";
}

/** The attempt `attempt` failed and the call will be sent again after `delayMs`. */
export interface RetryEvent extends CallEventBase {
  reason: RetryReason;
  delayMs: number;
}

/** The attempt waits in the client's rate limiter before it is sent. */
export interface RateLimitWaitEvent extends CallEventBase {
  /** The rate-limit class of the spec (e.g. Chatwork's `roomPost`). */
  limitClass: string;
  /** The bucket within the class: the class itself, `class:operationId`, or `class:<path parameter value>`. */
  key: string;
  /** How long the limiter expects the wait to last in ms, when it can tell (undefined: it cannot, e.g. with Redis). */
  expectedWaitMs: number | undefined;
}

/** Why the access token was requested: none yet, the cached one is about to expire, or the API refused it. */
export type TokenRenewalReason = "initial" | "expiring" | "unauthorized";

/** The client waited for a new access token before this attempt. */
export interface TokenRenewalEvent extends CallEventBase {
  reason: TokenRenewalReason;
  durationMs: number;
}

/** The call ends with a typed error (returned as `error` or thrown). */
export interface ErrorEvent extends CallEventBase {
  error: BizchatError;
}

export interface ClientEvents {
  request: RequestEvent;
  response: ResponseEvent;
  retry: RetryEvent;
  rateLimitWait: RateLimitWaitEvent;
  tokenRenewal: TokenRenewalEvent;
  error: ErrorEvent;
}

export type ClientEventName = keyof ClientEvents;
export type ClientEventListener<N extends ClientEventName> = (event: ClientEvents[N]) => void;

type Listeners = { [N in ClientEventName]?: ClientEventListener<N>[] };

/**
 * A small typed emitter. A listener that throws is reported to the logger and does not break the call; listeners
 * added or removed while an event is delivered take effect from the next event.
 */
export class ClientEventHub {
  private readonly listeners: Listeners = {};
  /** Listeners in all: zero means no payload is ever built. */
  count = 0;

  constructor(private readonly logger: { warn(message: string): void }) {}

  on<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void {
    const list: ClientEventListener<N>[] = this.listeners[name] ?? [];
    this.listeners[name] = [...list, listener] as Listeners[N];
    this.count++;
  }

  off<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void {
    const list = this.listeners[name];
    const index = list ? list.indexOf(listener) : -1;
    if (index === -1) return;
    this.listeners[name] = list!.filter((_, i) => i !== index) as Listeners[N];
    this.count--;
  }

  /** Delivers the event built by `build` (called only when `name` has listeners). */
  emit<N extends ClientEventName>(name: N, build: () => ClientEvents[N]): void {
    const list = this.listeners[name];
    if (!list?.length) return;
    const event = build();
    for (const listener of list) {
      try {
        listener(event);
      } catch (error) {
        const what = error instanceof Error ? error.message : String(error);
        this.logger.warn(`bizchat-openapi: a "${name}" listener threw (the call goes on): ${what}`);
      }
    }
  }
}
