#!/usr/bin/env node
// `npm run test:model -- --runs N [--seed S --path P]`: the model-based money suite
// (test/model) with N random sequences (default 200) inside workerd; a failing run prints its
// seed and shrunk path, which --seed/--path replay. Exit code is vitest's.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "200" }, seed: { type: "string" }, path: { type: "string" } },
});
const env = {
  ...process.env,
  MODEL_RUNS: values.runs,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  ...(values.seed ? { MODEL_SEED: values.seed, MODEL_PATH: values.path ?? "" } : {}),
};
const child = spawn("npx", ["vitest", "run", "test/model"], { env, stdio: "inherit" });
child.on("close", (code) => process.exit(code ?? 1));
