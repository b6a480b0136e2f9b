#!/usr/bin/env node
// `npm run faults`: runs the fault, fuzz and overload suites inside workerd (vitest, real
// Durable Objects, queue and D1) and prints the figures each run reports, for
// docs/reliability.md. Exit code is vitest's.
import { spawn } from "node:child_process";

const SUITES = ["test/faults", "test/fuzz", "test/overload"];
const FIGURES = /^(faults|settlement faults|fuzz|overload): /;

const child = spawn("npx", ["vitest", "run", ...SUITES], {
  env: { ...process.env, FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  stdio: ["ignore", "pipe", "inherit"],
});

const figures = [];
let tail = "";
child.stdout.on("data", (chunk) => {
  const text = tail + chunk.toString();
  const lines = text.split("\n");
  tail = lines.pop() ?? "";
  for (const line of lines) {
    const clean = line.replace(/\x1b\[[0-9;]*m/g, "").trim();
    if (FIGURES.test(clean)) figures.push(clean);
    else if (/Test Files|Tests |Duration|FAIL|✓|×/.test(clean)) console.log(clean);
  }
});

child.on("close", (code) => {
  console.log("\nFigures (docs/reliability.md):");
  for (const line of figures) console.log(`  ${line}`);
  console.log(code === 0 ? "\nAll fault, fuzz and overload runs passed." : `\nvitest exited with ${code}.`);
  process.exit(code ?? 1);
});
