// Small helpers shared by the benchmark files: statistics, timing loops, child servers and the suite report format.
import { fork, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.join(here, "..");
/** Rounds per figure and seconds per throughput round (BENCH_ROUNDS / BENCH_SECONDS shorten a trial run). */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    min: s[0],
    median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2,
    max: s[s.length - 1],
    n: s.length,
  };
}

const round = (x, d) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toFixed(d));
/** "min / median / max" of a stats() result. */
export const fmt = (s, d = 0) => `${round(s.min, d)} / **${round(s.median, d)}** / ${round(s.max, d)}`;
export const num = (x, d = 0) => round(x, d);

/**
 * Completed calls per second with `concurrency` callers looping for `seconds`, and the client process's CPU time
 * per call (user + system µs), which other load on the machine disturbs less than the rate.
 */
export async function throughput(call, { seconds = SECONDS, concurrency = 16 } = {}) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMicros = used.user + used.system;
  return { rps: done / (ms / 1000), cpu: cpuMicros / done, done, ms, cpuMicros };
}

/** Median time of one call, calls made one after another. */
export async function sequentialLatency(call, n = 200) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return stats(samples).median;
}

/**
 * Throughput of several contenders measured together: the round's `seconds` per contender are cut into `slices`
 * short runs, taken in turn (A, B, C, then C, B, A, …), and each contender's calls, time and CPU are summed over its
 * slices. Load from elsewhere on a shared machine changes within seconds; taken this close together, the
 * contenders meet the same load, and their ratios keep to what the clients cost.
 */
export async function interleavedThroughput(contenders, { seconds = SECONDS, slices = 6, concurrency = 16 } = {}) {
  const names = Object.keys(contenders);
  const sums = Object.fromEntries(names.map((n) => [n, { done: 0, ms: 0, cpuMicros: 0 }]));
  for (let s = 0; s < slices; s++) {
    // Every other pass runs backwards, so no contender always follows the same one (and inherits its garbage).
    for (const name of s % 2 ? [...names].reverse() : names) {
      const slice = await throughput(contenders[name], { seconds: seconds / slices, concurrency });
      for (const key of ["done", "ms", "cpuMicros"]) sums[name][key] += slice[key];
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, { rps: sums[n].done / (sums[n].ms / 1000), cpu: sums[n].cpuMicros / sums[n].done }]),
  );
}

/**
 * Measures several contenders side by side: every round runs each of them once (the starting one rotates, so
 * none always follows the same neighbour), and each figure is then min/median/max over the rounds. A measure
 * returns a number, or an object of named numbers. A `together` measure takes all the contenders at once (in
 * the round's order) and returns each one's figures, e.g. interleavedThroughput.
 */
export async function compare(contenders, measures, rounds = ROUNDS, together = {}) {
  const names = Object.keys(contenders);
  for (const name of names) for (let i = 0; i < 200; i++) await contenders[name](); // warm-up (JIT, connections)
  const samples = Object.fromEntries(names.map((n) => [n, {}]));
  const record = (name, m, value) => {
    for (const [k, v] of Object.entries(typeof value === "number" ? { [m]: value } : value))
      (samples[name][k] ??= []).push(v);
  };
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const [m, measure] of Object.entries(together)) {
      const values = await measure(Object.fromEntries(order.map((name) => [name, contenders[name]])));
      for (const name of order) record(name, m, values[name]);
    }
    for (const name of order)
      for (const [m, measure] of Object.entries(measures)) record(name, m, await measure(contenders[name]));
  }
  // `values` keeps the samples in round order, for ratios taken round by round.
  return Object.fromEntries(
    names.map((n) => [
      n,
      Object.fromEntries(Object.entries(samples[n]).map(([m, xs]) => [m, { ...stats(xs), values: xs }])),
    ]),
  );
}

/** Forks a bench server file; resolves once it sends `{ port }`. */
export async function startServer(file, args = []) {
  const child = fork(path.join(here, file), args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const { port } = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  /** Asks the server process something over IPC (e.g. its counters). */
  const ask = (message) =>
    new Promise((resolve) => {
      child.once("message", resolve);
      child.send(message);
    });
  return { url: `http://127.0.0.1:${port}`, port, child, ask, close: () => child.kill() };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A throw-away redis-server (no persistence) on a free port, or null when redis-server is not installed. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const started = await new Promise((resolve) => {
    child.once("error", () => resolve(false));
    child.once("spawn", () => resolve(true));
  });
  if (!started) return null;
  const { Redis } = await import("ioredis");
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
  });
  probe.on("error", () => undefined);
  for (const deadline = Date.now() + 10_000; ;) {
    try {
      await probe.connect().catch(() => undefined);
      if ((await probe.ping()) === "PONG") break;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return { port, kill: () => child.kill("SIGKILL") };
}

/**
 * A suite ends with `report({ title, markdown, targets })`. Run alone it prints the markdown; run by bench/run.mjs
 * (`--json <file>`) it writes the result there.
 */
export function report(result) {
  const i = process.argv.indexOf("--json");
  if (i > 0) writeFileSync(process.argv[i + 1], JSON.stringify(result));
  else
    console.log(
      `\n${result.markdown}\n${(result.targets ?? []).map((t) => `- ${t.met ? "met" : "MISSED"}: ${t.name}: ${t.measured}`).join("\n")}`,
    );
}
