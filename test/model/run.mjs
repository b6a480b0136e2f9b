#!/usr/bin/env node
// `npm run test:model -- --runs N [--chunk C --parallel P] [--seed S --path P]`: the
// model-based money suite (test/model) with N random sequences inside workerd. One vitest
// process keeps every sequence's gala in its storage, so each audit reads more as a run grows;
// long runs therefore go in chunks of C sequences (default 250), each a fresh process with its
// own seed, P at a time (default 2). Every chunk prints its seed and its figure line; a failing
// chunk prints fast-check's seed and shrunk path, which `--seed S --path P` replays in one
// process. Exits 1 when any chunk failed.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "200" },
    chunk: { type: "string", default: "250" },
    parallel: { type: "string", default: "2" },
    seed: { type: "string" },
    path: { type: "string" },
  },
});
const base = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** One vitest process; resolves with its exit code and output. */
function vitest(env, inherit) {
  return new Promise((resolve) => {
    const child = spawn("npx", ["vitest", "run", "test/model", "--silent=false"], {
      env: { ...base, ...env },
      stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

if (values.seed) {
  const { code } = await vitest({ MODEL_RUNS: values.runs, MODEL_SEED: values.seed, MODEL_PATH: values.path ?? "" }, true);
  process.exit(code);
}

const runs = Number(values.runs);
const size = Math.max(1, Number(values.chunk));
const chunks = Array.from({ length: Math.ceil(runs / size) }, (_, i) => ({
  i,
  runs: Math.min(size, runs - i * size),
  seed: (Date.now() + i * 7919) % 2_147_483_647,
}));
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");
const started = Date.now();
let failed = 0;
let next = 0;

async function worker() {
  while (next < chunks.length) {
    const chunk = chunks[next++];
    const at = Date.now();
    const { code, output } = await vitest({ MODEL_RUNS: String(chunk.runs), MODEL_SEED: String(chunk.seed) }, false);
    const text = plain(output);
    const figures = text.match(/model: .*/)?.[0];
    const seconds = Math.round((Date.now() - at) / 1000);
    console.log(
      `chunk ${chunk.i + 1}/${chunks.length} (${chunk.runs} sequences, seed ${chunk.seed}, ${seconds} s): ${code === 0 && figures ? "passed" : "FAILED"} ${figures ?? "(no figure line)"}`,
    );
    if (code !== 0 || !figures) {
      failed++;
      const lines = text.split("\n");
      const verdict = lines.findIndex((l) => /Property failed/.test(l));
      console.log((verdict < 0 ? lines.slice(-40) : lines.slice(verdict, verdict + 40)).join("\n"));
    }
  }
}

console.log(`model suite: ${runs} sequences in ${chunks.length} chunk(s) of up to ${size}, ${values.parallel} at a time`);
await Promise.all(Array.from({ length: Math.max(1, Number(values.parallel)) }, worker));
console.log(
  `model suite: ${failed === 0 ? "passed" : `${failed} chunk(s) FAILED`}, ${runs} sequences in ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exit(failed === 0 ? 0 : 1);
