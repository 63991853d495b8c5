// Node's timers have unref() (a timer that must not keep the process alive); Cloudflare workerd's setTimeout returns
// a number, Deno's and Bun's an id or an object of their own. One portable call for every runtime.

/** Lets the process exit while `timer` is pending, where the runtime supports it; a no-op elsewhere. */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void } | null)?.unref?.();
}
