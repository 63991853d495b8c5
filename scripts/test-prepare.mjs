// First step of `npm test`: make sure what the suites need is there. The project's dependencies: on a fresh clone
// where `npm test` is the first command, `npm ci` runs here. The system programs the suites need (redis-server,
// Chromium): missing ones are installed from Debian's packages when this machine can (apt-get, as root or with
// passwordless sudo); otherwise the suites that need them are skipped by name at the end of the run, with the
// install hint. With CI=true a program that cannot be had fails the run instead.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { SYSTEM_TOOLS, detectSystemTools, missingTools, strictCi } from "./lib/system-tools.mjs";

const say = (line) => console.log(`[test-prepare] ${line}`);

/** How to run apt-get here, or why it cannot be run. */
function aptRunner() {
  if (process.platform !== "linux") return { reason: `this is ${process.platform}, not Debian/Ubuntu` };
  if (spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status !== 0) return { reason: "apt-get is not here" };
  if (process.getuid?.() === 0) return { prefix: [] };
  if (spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0) return { prefix: ["sudo", "-n"] };
  return { reason: "not root and no passwordless sudo" };
}

function run(prefix, args) {
  const [command, ...rest] = [...prefix, ...args];
  say(`$ ${[command, ...rest].join(" ")}`);
  const result = spawnSync(command, rest, {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

function install(missing) {
  const apt = aptRunner();
  if (!apt.prefix) {
    say(`cannot install ${missing.join(", ")}: ${apt.reason}`);
    return;
  }
  const packages = missing.map((tool) => SYSTEM_TOOLS[tool].debianPackage);
  say(`installing Debian packages: ${packages.join(" ")} (a few minutes the first time)`);
  // Another apt-get (an unattended upgrade, a parallel job) may hold the lock: wait for it rather than fail.
  const waitForLock = ["-o", "DPkg::Lock::Timeout=300"];
  if (!run(apt.prefix, ["apt-get", ...waitForLock, "update", "-qq"])) say("apt-get update failed");
  else if (!run(apt.prefix, ["apt-get", ...waitForLock, "install", "-y", "-qq", ...packages])) {
    say("apt-get install failed");
  }
}

// npm writes node_modules/.package-lock.json on every install: without it, nothing was installed here yet.
if (!existsSync(new URL("../node_modules/.package-lock.json", import.meta.url))) {
  say("the dependencies are not installed yet: running npm ci");
  if (!run([], ["npm", "ci", "--no-audit", "--no-fund"])) {
    say("npm ci failed");
    process.exit(1);
  }
}

const before = detectSystemTools();
let missing = missingTools(before);
if (missing.length === 0) {
  say("redis-server and Chromium found");
} else {
  for (const tool of missing) say(`${tool} not found (${SYSTEM_TOOLS[tool].why})`);
  install(missing);
  missing = missingTools(detectSystemTools());
  for (const tool of missing) say(`still missing ${tool}: its suites will be skipped; ${SYSTEM_TOOLS[tool].hint}`);
  if (missing.length > 0 && strictCi()) {
    say(`CI=true: every suite must run, so a missing ${missing.join(" and ")} fails the run`);
    process.exit(1);
  }
  if (missing.length === 0) say("installed; every suite can run");
}
