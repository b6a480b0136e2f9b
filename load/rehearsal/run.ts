/**
 * `npm run rehearsal`: a whole gala, compressed, on the benchmark's runtime path, with a
 * report (docs/rehearsal.md). Writes bench-results/rehearsal-<time>.json and .html,
 * bench-results/rehearsal-latest.html and the console's copy in static-assets/rehearsal/.
 *
 * Options: --viewers N (default 2000), --speedup X (default 30: the demo's 68 show minutes
 * in about 2.3 minutes), --duration S (seconds for the whole show; sets the speed-up),
 * --shards N (16), --tolerance F (0.1: a pool may miss 10% of its plan), --settle-bound MS
 * (10000), --storage memory|disk, --port N (8818).
 * Exit code 1 when the verdict fails or the run could not finish within its bound.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { publish } from "./publish.ts";
import { ROOT, rehearseWithin } from "./rehearse.ts";
import { showMinutes } from "./show.ts";

const { values } = parseArgs({
  options: {
    viewers: { type: "string", default: "2000" },
    speedup: { type: "string", default: "30" },
    duration: { type: "string" },
    shards: { type: "string", default: "16" },
    tolerance: { type: "string", default: "0.1" },
    "settle-bound": { type: "string", default: "10000" },
    storage: { type: "string", default: "memory" },
    port: { type: "string", default: "8818" },
  },
});

const viewers = Number(values.viewers);
const speedup = values.duration ? (showMinutes() * 60) / Number(values.duration) : Number(values.speedup);
const rampMs = Math.min(15_000, Math.max(2_000, viewers * 3));
const showMs = (showMinutes() * 60_000) / speedup;
/** Bundling and start-up, the viewers' arrival, the show, then settlement and the audit. */
const boundMs = 120_000 + rampMs + showMs + 4 * Number(values["settle-bound"]);

const tty = process.stdout.isTTY;
let lastPrinted = 0;
function onProgress(line: string): void {
  if (tty) process.stdout.write(`\r${line.padEnd(120)}`);
  else if (Date.now() - lastPrinted >= 10_000) {
    lastPrinted = Date.now();
    console.log(line);
  }
}

console.log(
  `rehearsal: ${viewers} viewers, ${Math.round(speedup * 10) / 10}x speed (${Math.round(showMs / 1000)} s of show), bound ${Math.round(boundMs / 1000)} s`,
);
try {
  const record = await rehearseWithin(
    {
      viewers,
      speedup,
      shards: Number(values.shards),
      poolTolerance: Number(values.tolerance),
      settleBoundMs: Number(values["settle-bound"]),
      storage: values.storage === "disk" ? "disk" : "memory",
      appPort: Number(values.port),
      rampMs,
      timelineTtlMs: 2_000,
      outDir: join(ROOT, "bench-results"),
      command: `npm run rehearsal -- ${process.argv.slice(2).join(" ")}`.trim(),
      onProgress,
    },
    boundMs,
  );
  if (tty) process.stdout.write("\n");
  const files = publish(record, join(ROOT, "bench-results"), join(ROOT, "static-assets/rehearsal"));
  for (const [check, line] of Object.entries(record.verdict.summary)) console.log(`${check.padEnd(14)} ${line}`);
  for (const f of record.verdict.findings) console.log(`  ${f.check}: ${f.where}: ${f.message}`);
  console.log(
    `wrote ${files.json}\nwrote ${files.html} (also bench-results/rehearsal-latest.html and /rehearsal/latest.html for the console)`,
  );
  console.log(record.verdict.passed ? "rehearsal PASSED" : "rehearsal FAILED");
  process.exitCode = record.verdict.passed ? 0 : 1;
} catch (err) {
  console.error(`\nrehearsal could not finish: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
// Miniflare and the viewer process are stopped; anything left (a timer of an abandoned run) must not keep us alive.
setTimeout(() => process.exit(), 2_000).unref();
