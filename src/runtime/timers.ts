// Timers and abort signals both transports share. Node's timers have unref() (a timer that must not keep the process
// alive); Cloudflare workerd's setTimeout returns a number, Deno's and Bun's an id or an object of their own: one
// portable call for every runtime.

/** Lets the process exit while `timer` is pending, where the runtime supports it; a no-op elsewhere. */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void } | null)?.unref?.();
}

export interface AbortTimer {
  signal: AbortSignal;
  clear(): void;
}

/**
 * A signal aborted with `reason()` after `ms`, by a timer that never keeps the process alive and is cleared as soon
 * as the attempt is over: AbortSignal.timeout costs more per call and leaves its timer pending until it fires.
 */
export function abortAfter(ms: number, reason: () => unknown): AbortTimer {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  unrefTimer(timer);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** One signal for two optional ones: aborted when either aborts (undefined when there is neither). */
export function bothSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}
