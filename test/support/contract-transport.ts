// The contract suites run twice: through the Node transport (no fetch injected) and, from the *.fetch.test.ts
// files, through the fetch transport. Those files set this flag, import the suite, and clear it.
const FLAG = Symbol.for("bizchat.test.contractTransport");

type Flagged = typeof globalThis & { [FLAG]?: "fetch" };
let fetched = 0;

/** How many requests went through the injected fetch (the twins check their suite really used it). */
export const fetchCalls = () => fetched;

/** Client options for the transport the importing suite runs through (read once, at the suite's top level). */
export function contractTransport(): { fetch?: typeof globalThis.fetch } {
  return (globalThis as Flagged)[FLAG] === "fetch" ? { fetch: (input, init) => (fetched++, fetch(input, init)) } : {};
}

/** Imports a contract suite so that it runs through an injected fetch. */
export async function withFetchTransport(load: () => Promise<unknown>): Promise<void> {
  (globalThis as Flagged)[FLAG] = "fetch";
  try {
    await load();
  } finally {
    delete (globalThis as Flagged)[FLAG];
  }
}
