import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Prism processes and local servers are real; two workers keep the 2-core CI machine responsive.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: "forks",
    // Which system programs (redis-server, Chromium) are here; suites declare theirs with describeNeeding.
    globalSetup: ["test/support/system-tools.setup.ts"],
    // After the usual summary: the suites skipped for a missing program, by name, with the install hint.
    reporters: ["default", "./test/support/skipped-suites-reporter.ts"],
  },
});
