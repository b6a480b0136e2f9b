import { existsSync } from "node:fs";

/** Constants shared by the browser tests' global setup and the tests. */
export const ADMIN_SECRET = "browser-test-admin-secret-at-least-32-chars";
export const ARTIFACTS = "test/artifacts";

/** Full Chromium: what the install test needs (a profile on disk, the app's install criteria). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/**
 * The old headless shell (Debian's `chromium-headless-shell`, the same release): the run's
 * shared browser. Half the CPU of headless Chromium for the same suite (68 against 123 CPU s
 * on 2 cores), and the suite's pages need nothing the shell lacks. Full Chromium where the
 * shell is not installed (slower, same tests).
 */
const SHELL = process.env.CHROMIUM_SHELL_PATH ?? "/usr/bin/chromium-headless-shell";
export const CHROMIUM_SHELL = existsSync(SHELL) ? SHELL : CHROMIUM;
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
