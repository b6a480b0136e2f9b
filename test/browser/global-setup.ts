/**
 * Starts `wrangler dev` for the browser tests on a free port with a fresh persistence
 * directory and test-only secrets, waits until it answers, and the one headless Chromium the
 * tests open their browser contexts in (support/browser.ts); stops both afterwards.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { chromium } from "playwright-core";
import { ADMIN_SECRET, ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS } from "./support/paths";
import { freePort } from "./support/free-port";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    chromiumEndpoint: string;
  }
}

const STARTUP_TIMEOUT_MS = 90_000;

async function waitUntilUp(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("wrangler dev exited during startup; see test/artifacts/wrangler.log");
    try {
      if ((await fetch(`${url}/api/time`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not answer within ${STARTUP_TIMEOUT_MS} ms`);
}

export default async function setup(project: TestProject) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "gala-browser-"));
  const bin = resolve("node_modules/.bin");
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const migrated = spawnSync(join(bin, "wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
    env,
    encoding: "utf8",
  });
  if (migrated.status !== 0) throw new Error(`D1 migrations failed: ${migrated.stderr || migrated.stdout}`);
  const child = spawn(
    join(bin, "wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
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
  const log = createWriteStream(join(ARTIFACTS, "wrangler.log"));
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
  // Chromium starts while wrangler does.
  const browser = chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const stopBoth = async () => {
    await Promise.allSettled([stop(), browser.then((b) => b.close())]);
  };
  try {
    const [server] = await Promise.all([browser, waitUntilUp(baseUrl, () => exited)]);
    project.provide("chromiumEndpoint", server.wsEndpoint());
  } catch (err) {
    await stopBoth();
    throw err;
  }
  project.provide("baseUrl", baseUrl);
  return stopBoth;
}
