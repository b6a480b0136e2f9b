/**
 * `npm run bench:docs`: every figure docs/performance.md quotes, from one command, on this
 * machine. Runs, one after the other (about 20 minutes; run it on a quiet machine):
 *  1. `npm run bench` (every scenario, the default 8 s + 2 s warm-up each);
 *  2. `npm run bench -- --only <profiled> --profile <profiled> --duration 5`: V8 CPU profiles of
 *     the paths whose targets the issue sets (a profiled run's own figures are not benchmark
 *     figures: the sampler costs CPU; its shares are what the docs quote);
 *  3. `npm run bench:settle` (one and four ledger partitions), then `-- --partitions 1 --profile`;
 *  4. `npm run bench:ledger`.
 * Then writes bench-results/performance.md: the tables of docs/performance.md's results
 * section with the machine, the command and the run's hello-world beside each, the targets
 * met or missed, and the profiles' top lines. Exit code 1 when any run failed.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performanceReport, profileBlocks } from "./tables.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const PROFILED = ["shake-rest", "shake-lottery", "claims-one-shard"];

/** Runs one npm script, echoing its output; its exit code and output. */
function run(script, args = []) {
  console.log(`\n$ npm run ${script}${args.length ? ` -- ${args.join(" ")}` : ""}`);
  const done = spawnSync("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  process.stdout.write(done.stdout);
  process.stderr.write(done.stderr);
  return { ok: done.status === 0, output: done.stdout };
}

const json = (file) => JSON.parse(readFileSync(join(OUT, file), "utf8"));

/** The report a bench run wrote, from its "wrote …" line (the profiled run writes latest.json after it). */
function reportOf(output) {
  const wrote = /wrote \S*\/(bench-[^/\s]+\.json)/.exec(output);
  if (!wrote) throw new Error("the bench run did not say which file it wrote");
  return json(wrote[1]);
}

const runs = [run("bench"), run("bench", ["--only", PROFILED.join(","), "--profile", PROFILED.join(","), "--duration", "5"])];
const full = reportOf(runs[0].output);
runs.push(run("bench:settle"));
const settle = json("settle-latest.json");
runs.push(run("bench:settle", ["--partitions", "1", "--profile"]));
runs.push(run("bench:ledger"));
const ledger = json("ledger-stores-latest.json");

const report = performanceReport({
  bench: full,
  settle,
  ledger,
  profiles: [...profileBlocks(runs[1].output), ...profileBlocks(runs[3].output)],
});
writeFileSync(join(OUT, "performance.md"), report);
console.log(`\nwrote ${join(OUT, "performance.md")}`);
process.exitCode = runs.every((r) => r.ok) ? 0 : 1;
