/**
 * `npm run test:bench` (a step of `npm test`): every bench script's smoke run, so no bench
 * script can rot. Each script named in SMOKES runs as its npm script does, with `--smoke`
 * (seconds, not minutes: each script says what its smoke run does), all on one build of the
 * worker made here first (build.mjs). A script fails its smoke run by its exit code: a crash, a scenario
 * with more than 0.5 % answers of kinds it does not expect, or money that does not balance.
 * A new bench script gets a `--smoke` mode and its npm script's name in SMOKES. Then the tables
 * `npm run bench:docs` writes are rendered from the smoke runs' reports (tables.mjs).
 *
 * Prints one line per script with its time; the output of a failed script in full. Exit code 1
 * when any failed.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { prepareBuild } from "./build.mjs";
import { performanceReport } from "./tables.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
/** The npm scripts whose smoke runs `npm test` runs, all at once (most of each is waiting). */
export const SMOKES = ["bench", "bench:settle", "bench:ledger", "bench:serve", "bench:audit"];
/** A smoke run that takes longer than this has hung. */
const SMOKE_TIMEOUT_MS = 180_000;

/** The node script and arguments of an npm script written `node <file> [args]`. */
function commandOf(name) {
  const command = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts[name];
  const [program, ...args] = command?.split(" ") ?? [];
  if (program !== "node") throw new Error(`npm script ${name} is not "node <file>": ${command}`);
  return args;
}

/** Runs one script's smoke run on the build in `build`: its exit code, output and seconds. */
function smoke(name, build) {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [...commandOf(name), "--smoke"], {
      cwd: ROOT,
      env: { ...process.env, WORKER_BUILD: build },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: SMOKE_TIMEOUT_MS,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => resolvePromise({ name, code: code ?? signal, output, seconds: (Date.now() - started) / 1_000 }));
  });
}

const started = Date.now();
/** Renders docs/performance.md's tables (tables.mjs) from the smoke runs' reports. */
function smokeTables() {
  const started = Date.now();
  const report = (file) => JSON.parse(readFileSync(join(OUT, file), "utf8"));
  try {
    const tables = performanceReport({
      bench: report("bench-smoke.json"),
      settle: report("settle-smoke.json"),
      ledger: report("ledger-stores-smoke.json"),
      profiles: [],
    });
    writeFileSync(join(OUT, "performance-smoke.md"), tables);
    return { name: "bench:docs (tables)", code: 0, output: "", seconds: (Date.now() - started) / 1_000 };
  } catch (err) {
    return { name: "bench:docs (tables)", code: 1, output: `${err.stack}\n`, seconds: (Date.now() - started) / 1_000 };
  }
}

// npm test hands its Node runs one build (scripts/test.mjs); run alone, the smoke runs make their own.
const build = process.env.WORKER_BUILD ?? (await prepareBuild(ROOT, join(OUT, "smoke-build")));
const results = await Promise.all(SMOKES.map((name) => smoke(name, build)));
results.push(smokeTables());
for (const r of results) {
  console.log(`${r.code === 0 ? "passed" : "FAILED"}  npm run ${r.name} -- --smoke  (${r.seconds.toFixed(1)} s)`);
  if (r.code !== 0) console.log(`--- output of ${r.name} (exit ${r.code}) ---\n${r.output}--- end of ${r.name} ---`);
}
console.log(`bench smoke runs: ${((Date.now() - started) / 1_000).toFixed(1)} s`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
