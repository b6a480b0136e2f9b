/** The release checks of `npm run deploy:check`, each breach on its own against a clean production configuration. */
import { describe, expect, it } from "vitest";
import { checkRelease, type CheckInput, type ProductionConfig } from "../../deploy/checks";

const clean: ProductionConfig = {
  compatibility_date: "2026-10-01",
  vars: {
    SHARD_COUNT: "128",
    DEMO_MODE: "off",
    LIVE_TIMELINE_URL: "https://live.example.com/timeline.json",
    LIVE_POLL_MS: "5000",
    LIVE_MAX_AGE_S: "2",
  },
  observability: { enabled: true, head_sampling_rate: 1, logs: { enabled: true } },
  analytics_engine_datasets: [{ binding: "METRICS", dataset: "gala_shake" }],
  migrations: [{ tag: "v1" }, { tag: "v2" }],
  d1_databases: [{ binding: "DB", database_id: "6f1c2d3e-0000-4000-8000-000000000001" }],
  r2_buckets: [{ binding: "LIVE", bucket_name: "gala-live" }],
};
const CSP = "default-src 'self'; connect-src 'self' https://live.example.com; object-src 'none'";

function run(config: Partial<ProductionConfig> = {}, extra: Partial<CheckInput> = {}) {
  return checkRelease({
    config: { ...clean, ...config },
    recorded: { shardCount: 128, migrations: ["v1", "v2"], secrets: ["SESSION_SECRET", "ADMIN_SECRET"] },
    secretsRead: ["SESSION_SECRET", "ADMIN_SECRET"],
    workerdDate: "2026-11-17",
    secretsSet: null,
    pageCsp: CSP,
    ...extra,
  }).map((f) => `${f.level} ${f.check}`);
}

describe("release checks", () => {
  it("a clean production configuration passes", () => {
    expect(run()).toEqual([]);
  });

  it("fails when the shard count differs from the recorded one (pools would be on the wrong shards)", () => {
    expect(run({ vars: { ...clean.vars, SHARD_COUNT: "64" } })).toEqual(["error shards"]);
    expect(run({ vars: { ...clean.vars, SHARD_COUNT: "many" } })).toEqual(["error shards"]);
  });

  it("fails on a demo show or a development identity provider in production", () => {
    expect(run({ vars: { ...clean.vars, DEMO_MODE: "on" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, IDENTITY_PROVIDER: "dev" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, DEV_LOGIN: "on" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, IDENTITY_PROVIDER: "access" } })).toEqual([]);
  });

  it("fails on an unnamed secret, a secret written as a var, or (asked remotely) a secret not set", () => {
    expect(run({}, { secretsRead: ["SESSION_SECRET", "ADMIN_SECRET", "NEW_KEY"] })).toEqual(["error secrets"]);
    expect(run({ vars: { ...clean.vars, ADMIN_SECRET: "oops" } })).toEqual(["error secrets"]);
    expect(run({}, { secretsSet: ["SESSION_SECRET"] })).toEqual(["error secrets"]);
    expect(run({}, { secretsSet: ["SESSION_SECRET", "ADMIN_SECRET"] })).toEqual([]);
  });

  it("warns that a new migration rules out a gradual rollout, and fails when applied ones change", () => {
    expect(run({ migrations: [{ tag: "v1" }, { tag: "v2" }, { tag: "v3" }] })).toEqual(["warning migrations"]);
    expect(run({ migrations: [{ tag: "v1" }] })).toEqual(["error migrations"]);
    expect(run({ migrations: [{ tag: "v1" }, { tag: "v2-renamed" }] })).toEqual(["error migrations"]);
  });

  it("fails without logs, with sampled logs, without metrics, or ahead of the bundled workerd", () => {
    expect(run({ observability: { enabled: false } })).toEqual(["error observability"]);
    expect(run({ observability: { enabled: true, head_sampling_rate: 0.1 } })).toEqual(["error observability"]);
    expect(run({ analytics_engine_datasets: [] })).toEqual(["error metrics"]);
    expect(run({ compatibility_date: "2027-01-01" })).toEqual(["error platform"]);
    expect(run({ d1_databases: [{ binding: "DB", database_id: "00000000-0000-0000-0000-000000000000" }] })).toEqual(["warning d1"]);
  });

  it("fails when phones could not read the published timeline, or it would break the 10-second promise", () => {
    expect(run({ r2_buckets: [] })).toEqual(["error live"]);
    expect(run({ vars: { ...clean.vars, LIVE_TIMELINE_URL: "/api/dev-live/timeline.json" } })).toEqual(["error live"]);
    expect(run({}, { pageCsp: "default-src 'self'; connect-src 'self'" })).toEqual(["error live"]);
    expect(run({ vars: { ...clean.vars, LIVE_POLL_MS: "9000" } })).toEqual(["error live"]);
    expect(run({ vars: { ...clean.vars, LIVE_TIMELINE_URL: "/live/timeline.json" } }, { pageCsp: "connect-src 'self'" })).toEqual([]);
  });
});
