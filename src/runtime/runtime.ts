// Which runtime the client runs on: the undici transport is for Node only. Bun and Deno also set
// process.versions.node (for compatibility) and Cloudflare workerd may expose `process` with nodejs_compat, so they
// are told apart first; they send with their own fetch.

interface RuntimeGlobals {
  process?: { versions?: Record<string, string | undefined> };
  Deno?: unknown;
  navigator?: { userAgent?: string };
}

export function isNodeRuntime(): boolean {
  const runtime = globalThis as RuntimeGlobals;
  const versions = runtime.process?.versions;
  if (!versions?.node || versions.bun !== undefined || runtime.Deno !== undefined) return false;
  return runtime.navigator?.userAgent !== "Cloudflare-Workers";
}
