/** Applies migrations/ to the test D1 database before each test file (already-applied ones are skipped). */
import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

/** Bound by vitest.config.ts (readD1Migrations), for tests only. */
const { TEST_MIGRATIONS } = env as typeof env & { TEST_MIGRATIONS: D1Migration[] };

await applyD1Migrations(env.DB, TEST_MIGRATIONS);
