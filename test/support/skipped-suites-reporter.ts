// Ends the run with the suites skipped because a system program is missing, by file and title, and how to install
// it — so a skip is never silent (scripts/test-prepare.mjs installs them where the machine allows).
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { MISSING_MARK, SYSTEM_TOOLS, type SystemTool } from "../../scripts/lib/system-tools.mjs";

const isSystemTool = (name: string): name is SystemTool => name in SYSTEM_TOOLS;

export default class SkippedSuitesReporter implements Reporter {
  private summary = "";

  onTestRunEnd(testModules: readonly TestModule[]): void {
    const lines: string[] = [];
    const missing = new Set<SystemTool>();
    for (const module of testModules) {
      for (const suite of module.children.allSuites()) {
        const at = suite.name.indexOf(MISSING_MARK);
        if (at < 0) continue;
        const tools = suite.name
          .slice(at + MISSING_MARK.length)
          .split(", ")
          .filter(isSystemTool);
        tools.forEach((tool) => missing.add(tool));
        lines.push(
          `  ${path.relative(process.cwd(), module.moduleId)} > ${suite.name.slice(0, at)}  (needs ${tools.join(", ")})`,
        );
      }
    }
    if (lines.length === 0) return;
    const hints = [...missing].map((tool) => `  ${tool}: ${SYSTEM_TOOLS[tool].hint}`);
    this.summary = [
      "",
      "SKIPPED — a system program they need is missing:",
      ...lines,
      "To run them:",
      ...hints,
      "",
    ].join("\n");
  }

  // Printed last: the default reporter writes its summary after every reporter's onTestRunEnd.
  onFinished(): void {
    if (this.summary) console.log(this.summary);
  }
}
