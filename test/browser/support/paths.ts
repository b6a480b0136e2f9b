/** Constants shared by the browser tests' global setup and the tests. */
export const ADMIN_SECRET = "browser-test-admin-secret";
export const ARTIFACTS = "test/artifacts";
