/**
 * Starts the browser tests' servers: one `wrangler dev` per vitest worker (`maxWorkers` in
 * vitest.browser.config.ts, `BROWSER_SERVERS`: that many files run at once), each on a free
 * port with its own persistence directory and test-only secrets, and the one Chromium
 * headless shell the tests open their browser contexts in (support/browser.ts); waits until
 * all answer and stops them afterwards. A file runs against its worker's server alone, so
 * files running at once never share a timeline, pools or wallets.
 */
import { execFile, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { chromium } from "playwright-core";
import { ADMIN_SECRET, ARTIFACTS, CHROMIUM_FLAGS, CHROMIUM_SHELL } from "./support/paths";
import { freePort } from "./support/free-port";

declare module "vitest" {
  export interface ProvidedContext {
    /** One server per vitest worker, in worker order (support/browser.ts picks its worker's). */
    baseUrls: string[];
    chromiumEndpoint: string;
  }
}

const STARTUP_TIMEOUT_MS = 90_000;
const run = promisify(execFile);

async function waitUntilUp(url: string, exited: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`wrangler dev exited during startup; see ${log}`);
    try {
      if ((await fetch(`${url}/api/time`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not answer within ${STARTUP_TIMEOUT_MS} ms`);
}

/** One `wrangler dev` on a free port with a fresh persistence directory, its output in test/artifacts/wrangler-<n>.log. */
async function startServer(n: number): Promise<{ up: () => Promise<void>; baseUrl: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "gala-browser-"));
  const bin = resolve("node_modules/.bin");
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  try {
    await run(join(bin, "wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { env });
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`D1 migrations failed: ${stderr || stdout || err}`);
  }
  const child = spawn(
    join(bin, "wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      // Each server's own inspector port: two starting at once both took the default.
      "--inspector-port",
      String(await freePort()),
      "--persist-to",
      persist,
      "--show-interactive-dev-session=false",
      "--var",
      "DEMO_MODE:off",
      "--var",
      "SHARD_COUNT:4",
      "--var",
      "TIMELINE_TTL_MS:1000",
      // Pages read the published timeline every 0-1 s, so the clock test has its six polls in seconds.
      "--var",
      "LIVE_POLL_MS:1000",
      // Issuance pacing would hold back the small pools these tests drain in seconds; its
      // own tests are in test/overload.
      "--var",
      "ISSUANCE_PACING:off",
      // Leased wins become final (and settle) seconds after their issue, not half a minute:
      // the isolate reports within 2 s, the merge horizon covers that and a flush.
      "--var",
      "LEASE_REPORT_MS:2000",
      "--var",
      "MERGE_HORIZON_MS:5000",
      "--var",
      `ADMIN_SECRET:${ADMIN_SECRET}`,
      "--var",
      "SESSION_SECRET:browser-test-session-secret",
      "--var",
      "DRAW_SECRET:browser-test-draw-secret",
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env,
    },
  );
  const logPath = join(ARTIFACTS, `wrangler-${n}.log`);
  const log = createWriteStream(logPath);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once("exit", () => (exited = true));
  const stop = async () => {
    if (!exited && child.pid) {
      const gone = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
    }
    rmSync(persist, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  return { baseUrl, up: () => waitUntilUp(baseUrl, () => exited, logPath), stop };
}

export default async function setup(project: TestProject) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Chromium starts while the servers do.
  const browser = chromium.launchServer({ executablePath: CHROMIUM_SHELL, headless: true, args: CHROMIUM_FLAGS });
  const servers = await Promise.allSettled(Array.from({ length: project.config.maxWorkers }, (_, i) => startServer(i + 1)));
  const started = servers.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stopAll = async () => {
    await Promise.allSettled([...started.map((s) => s.stop()), browser.then((b) => b.close())]);
  };
  try {
    const failed = servers.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const [server] = await Promise.all([browser, ...started.map((s) => s.up())]);
    project.provide("chromiumEndpoint", server.wsEndpoint());
  } catch (err) {
    await stopAll();
    throw err;
  }
  project.provide(
    "baseUrls",
    started.map((s) => s.baseUrl),
  );
  return stopAll;
}
