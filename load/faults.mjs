#!/usr/bin/env node
// `npm run faults`: runs the fault, loss-mode, fuzz and overload suites, then the model-based
// suite (30 sequences, MODEL_RUNS to change), inside workerd (vitest, real Durable Objects,
// queue and D1), then the crash test (load/crash, 200
// viewers, the runtime killed with SIGKILL mid-burst), and prints the figures each run
// reports, for docs/reliability.md. Exit code: the first failure's.
import { spawn } from "node:child_process";

const SUITES = ["test/faults", "test/reliability", "test/fuzz", "test/overload"];
const FIGURES = /^(faults|settlement faults|fuzz|overload|model|crash): /;
const env = { ...process.env, FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const figures = [];

/** Runs a command, echoing its summary lines and keeping its figure lines; resolves to its exit code. */
function run(command, args, extraEnv = {}) {
  const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
  let tail = "";
  child.stdout.on("data", (chunk) => {
    const text = tail + chunk.toString();
    const lines = text.split("\n");
    tail = lines.pop() ?? "";
    for (const line of lines) {
      const clean = line.replace(/\x1b\[[0-9;]*m/g, "").trim();
      if (FIGURES.test(clean)) figures.push(clean);
      if (/Test Files|Tests |Duration|FAIL|✓|×|^crash: /.test(clean)) console.log(clean);
    }
  });
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

const vitest = await run("npx", ["vitest", "run", ...SUITES]);
// The model suite runs on its own: beside the others it starves their timed bursts of CPU.
const model = await run("npx", ["vitest", "run", "test/model"], { MODEL_RUNS: process.env.MODEL_RUNS ?? "30" });
const crash = await run(process.execPath, ["load/crash/run.mjs"]);
console.log("\nFigures (docs/reliability.md):");
for (const line of figures) console.log(`  ${line}`);
const code = vitest || model || crash;
console.log(
  code === 0
    ? "\nAll fault, loss-mode, model, crash, fuzz and overload runs passed."
    : `\nvitest exited with ${vitest}, the model suite with ${model}, the crash test with ${crash}.`,
);
process.exit(code);
