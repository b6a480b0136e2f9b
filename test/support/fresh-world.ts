/**
 * Runs before each test file of the workers project. Its workerd serves many files one after
 * another (isolate: false in vitest.config.ts), so each file starts from an empty world, as
 * it would in a workerd of its own: the worker's modules evaluated afresh (the isolate's
 * timeline copy, edge leases, shake statistics and rate windows start empty), every Durable
 * Object deleted with its storage (shards, timeline, ledger partitions, and D1, the queues and
 * the cache, which Miniflare keeps in objects too), then the D1 migrations applied.
 */
import { applyD1Migrations, reset, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";

/** Bound by vitest.config.ts (readD1Migrations), for tests only. */
const { TEST_MIGRATIONS } = env as typeof env & { TEST_MIGRATIONS: D1Migration[] };

vi.resetModules();
await reset();
await applyD1Migrations(env.DB, TEST_MIGRATIONS);
