// The system programs some test suites need, how to find them and how to get them. Shared by the step `npm test`
// runs first (scripts/test-prepare.mjs, which installs what is missing where it can) and by vitest's global setup
// (which tells the suites what is there, so a suite whose program is missing is skipped by name, never silently).
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/** @typedef {"redis-server" | "chromium"} SystemTool */

/** @type {Record<SystemTool, { debianPackage: string; why: string; hint: string }>} */
export const SYSTEM_TOOLS = {
  "redis-server": {
    debianPackage: "redis-server",
    why: "the distributed rate-limit tests start their own redis-server on a free loopback port",
    hint: "install Redis so that `redis-server` is on PATH (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`)",
  },
  chromium: {
    debianPackage: "chromium",
    why: "the rendered docs site is checked in headless Chromium",
    hint: "install Chromium at /usr/bin/chromium (Debian: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary",
  },
};

/** Joins a skipped suite's title to the programs it lacks (test/support/system-tools.ts); the summary reporter splits on it. */
export const MISSING_MARK = " — skipped, missing: ";

export const chromiumPath = () => process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const runs = (command, args) => {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.error === undefined && result.status === 0;
};

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** @returns {Record<SystemTool, boolean>} which of the programs can be started here */
export function detectSystemTools() {
  return {
    "redis-server": runs("redis-server", ["--version"]),
    chromium: isExecutable(chromiumPath()),
  };
}

/** @returns {SystemTool[]} */
export const missingTools = (found) => /** @type {SystemTool[]} */ (Object.keys(found).filter((tool) => !found[tool]));

/** True when CI asked for every suite to run: a missing program is then a failure, not a skip. */
export const strictCi = () => ["true", "1"].includes((process.env.CI ?? "").toLowerCase());
