// A suite that needs a system program declares it: `describeNeeding(["redis-server"], "title", () => { … })`.
// Where the program is missing the suite is skipped, and its title says so; the summary reporter
// (test/support/skipped-suites-reporter.ts) lists every such suite by name with the install hint at the end of the run.
import { describe, inject } from "vitest";
import { MISSING_MARK, type SystemTool } from "../../scripts/lib/system-tools.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    systemTools: Record<SystemTool, boolean>;
  }
}

export function describeNeeding(tools: SystemTool[], title: string, factory: () => void): void {
  const found = inject("systemTools");
  const missing = tools.filter((tool) => !found[tool]);
  if (missing.length === 0) describe(title, factory);
  else describe.skip(`${title}${MISSING_MARK}${missing.join(", ")}`, factory);
}
