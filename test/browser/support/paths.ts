/** Constants shared by the browser tests' global setup and the tests. */
export const ADMIN_SECRET = "browser-test-admin-secret-at-least-32-chars";
export const ARTIFACTS = "test/artifacts";
