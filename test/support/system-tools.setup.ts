// Vitest global setup: tells the suites which system programs are here (see test/support/system-tools.ts). With
// CI=true a missing one fails the run before any suite starts, since CI must run every suite.
import type { TestProject } from "vitest/node";
import { SYSTEM_TOOLS, detectSystemTools, missingTools, strictCi } from "../../scripts/lib/system-tools.mjs";

export default function setup(project: TestProject): void {
  const found = detectSystemTools();
  const missing = missingTools(found);
  if (missing.length > 0 && strictCi()) {
    const lines = missing.map((tool) => `${tool}: ${SYSTEM_TOOLS[tool].hint}`);
    throw new Error(`CI=true and some suites' programs are missing:\n${lines.join("\n")}`);
  }
  project.provide("systemTools", found);
}
