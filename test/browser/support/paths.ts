/** Constants shared by the browser tests' global setup and the tests. */
export const ADMIN_SECRET = "browser-test-admin-secret-at-least-32-chars";
export const ARTIFACTS = "test/artifacts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
