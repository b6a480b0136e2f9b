/**
 * `npm test`: every check and every suite. The streams below run side by side (on 2 cores
 * most suites wait on timers, queues and browsers), the steps of one stream one after
 * another. Each step's output is kept until the step ends and then printed whole, so steps
 * never interleave; a green step prints what it says on success (vitest: one line per
 * file) when it ends, a failed one everything it wrote once every step has ended, so the
 * failures are the last thing on screen (and in a CI log's tail). Every step runs even when
 * another failed; the last lines list each step with its result and time. Exit code 1 when
 * any step failed.
 *
 * A new step: its npm script, in the stream it belongs to (or a stream of its own when it
 * mostly waits).
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { prepareBuild } from "../load/bench/build.mjs";

const STREAMS = [
  // Static checks (CPU-bound, so one at a time).
  { steps: ["check:structure", "format:check", "lint", "typecheck", "deploy:check"], nice: true },
  // Unit suites in Node and the worker's suites in workerd (vitest.config.ts).
  { steps: ["test:vitest"] },
  // Headless Chromium against the worker's build in workerd (test/browser/global-setup.ts).
  { steps: ["test:browser"], build: true },
  // Node runs against the deploy bundle on workerd: the short dress rehearsal (a show on the
  // clock: at a lower priority on a slow machine its fleet fell behind and the pools' issuance
  // plan failed), then the crash test and the bench smoke runs (their checks do not hang on time).
  { steps: ["test:node"], build: true },
  { steps: ["test:crash", "test:bench"], nice: true, build: true },
];
/**
 * The suites and the rehearsal are the critical path and wait on the clock (timers, queue
 * batches, pages, a show's phases); the other streams are CPU-bound with time to spare: these
 * run at a lower priority, so they take the cores while the others wait and never hold them back.
 */
const NICENESS = 10;
const ROOT = resolve(import.meta.dirname, "..");

const children = new Set();
const results = [];
const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function runStep(script, env, nice) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    // Its own process group, so an interrupted run stops the whole step.
    const command = ["npm", "run", "--silent", script];
    const child = spawn(nice ? "nice" : command[0], nice ? ["-n", String(NICENESS), ...command] : command.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env,
    });
    children.add(child);
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    child.on("close", (code, signal) => {
      children.delete(child);
      const ok = code === 0;
      const text = Buffer.concat(output).toString().trimEnd();
      const head = `── ${script}: ${ok ? "passed" : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds(Date.now() - t0)}`;
      const report = `${head}\n${text ? `${text}\n` : ""}\n`;
      if (ok) process.stdout.write(report);
      results.push({ script, ok, ms: Date.now() - t0, report });
      resolve();
    });
  });
}

/**
 * The worker bundled once for every stream that says `build` (WORKER_BUILD, load/bench/build.mjs):
 * wrangler bundled it a few CPU seconds each time, once per step.
 */
let build = null;
const sharedBuild = () => (build ??= prepareBuild(ROOT, join(ROOT, "bench-results", "test-build")));

async function runStream({ steps, nice = false, build: needsBuild = false }) {
  let env = process.env;
  if (needsBuild) {
    const t0 = Date.now();
    try {
      env = { ...process.env, WORKER_BUILD: await sharedBuild() };
    } catch (err) {
      const report = `── build for ${steps.join(", ")}: FAILED in ${seconds(Date.now() - t0)}\n${err.stack ?? err}\n\n`;
      results.push({ script: "build", ok: false, ms: Date.now() - t0, report });
      return;
    }
  }
  for (const step of steps) await runStep(step, env, nice);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) process.kill(-child.pid, "SIGTERM");
    process.exit(1);
  });
}

await Promise.all(STREAMS.map(runStream));
const failed = results.filter((r) => !r.ok);
for (const r of failed) process.stdout.write(r.report);
console.log(
  `npm test: ${failed.length === 0 ? "passed" : `FAILED: ${failed.map((r) => r.script).join(", ")}`} in ${seconds(Date.now() - started)}`,
);
for (const r of results) console.log(`  ${r.ok ? "ok  " : "FAIL"} ${r.script.padEnd(16)} ${seconds(r.ms)}`);
process.exit(failed.length === 0 ? 0 : 1);
