/** The release checks of `npm run deploy:check`, each breach on its own against a clean configuration. */
import { describe, expect, it } from "vitest";
import { checkRelease, type CheckInput, type Environment, type ProductionConfig } from "../../deploy/checks";

const clean: ProductionConfig = {
  name: "gala-shake",
  compatibility_date: "2026-10-01",
  vars: {
    SHARD_COUNT: "128",
    DEMO_MODE: "off",
    ENVIRONMENT: "production",
    DEV_IDP: "off",
    ANONYMOUS_SESSIONS: "off",
    LIVE_TIMELINE_URL: "https://live.example.com/timeline.json",
    LIVE_POLL_MS: "5000",
    LIVE_MAX_AGE_S: "2",
  },
  observability: { enabled: true, head_sampling_rate: 1, logs: { enabled: true } },
  analytics_engine_datasets: [{ binding: "METRICS", dataset: "gala_shake" }],
  migrations: [{ tag: "v1" }, { tag: "v2" }],
  d1_databases: [{ binding: "DB", database_id: "6f1c2d3e-0000-4000-8000-000000000001" }],
  queues: {
    producers: [{ queue: "gala-settlements" }],
    consumers: [
      { queue: "gala-settlements", dead_letter_queue: "gala-settlements-dlq" },
      { queue: "gala-settlements-dlq", dead_letter_queue: "gala-settlements" },
    ],
  },
  r2_buckets: [{ binding: "LIVE", bucket_name: "gala-live" }],
};
const CSP = "default-src 'self'; connect-src 'self' https://live.example.com; object-src 'none'";

/** The development setup at the top level, as wrangler.toml has it. */
const development: ProductionConfig = {
  ...clean,
  name: "gala-shake-dev",
  vars: { ...clean.vars, DEMO_MODE: "on", ENVIRONMENT: "development", DEV_IDP: "on", ANONYMOUS_SESSIONS: "on" },
  d1_databases: [{ binding: "DB", database_id: "local-gala-ledger" }],
  queues: { producers: [{ queue: "gala-settlements-dev" }], consumers: [{ queue: "gala-settlements-dev" }] },
  r2_buckets: [{ binding: "LIVE", bucket_name: "gala-live-dev" }],
};

function run(config: Partial<ProductionConfig> = {}, extra: Partial<CheckInput> = {}, top: Partial<ProductionConfig> = {}) {
  const environments: Environment[] = [
    { env: "", config: { ...development, ...top } },
    { env: "production", config: { ...clean, ...config } },
  ];
  return checkRelease({
    environments,
    recorded: {
      worker: "gala-shake",
      environment: "production",
      shardCount: 128,
      migrations: ["v1", "v2"],
      secrets: ["SESSION_SECRET", "ADMIN_SECRET"],
    },
    secretsRead: ["SESSION_SECRET", "ADMIN_SECRET"],
    workerdDate: "2026-11-17",
    secretsSet: null,
    pageCsp: CSP,
    ...extra,
  }).map((f) => `${f.level} ${f.check}`);
}

describe("release checks", () => {
  it("a clean production configuration beside a development top level of its own passes", () => {
    expect(run()).toEqual([]);
  });

  it("fails when a plain `wrangler deploy` would put the development settings on the production worker", () => {
    const findings = run({}, {}, { name: "gala-shake" });
    expect(findings).toContain("error environments");
    // Every development setting that would then run with the production secrets is named.
    expect(findings.filter((f) => f === "error development")).toHaveLength(4);
  });

  it("fails when another environment shares production's queues, database or live bucket", () => {
    expect(run({}, {}, { queues: { producers: [{ queue: "gala-settlements" }] } })).toEqual(["error environments"]);
    expect(run({}, {}, { d1_databases: clean.d1_databases })).toEqual(["error environments"]);
    expect(run({}, {}, { r2_buckets: clean.r2_buckets })).toEqual(["error environments"]);
  });

  it("fails when the production environment deploys a worker other than the one holding the secrets, or is missing", () => {
    expect(run({ name: "gala-shake-production" })).toEqual(["error environments"]);
    expect(run({}, { recorded: { worker: "gala-shake", environment: "prod", shardCount: 128, migrations: [], secrets: [] } })).toEqual([
      "error environments",
    ]);
  });

  it("fails when the shard count differs from the recorded one (pools would be on the wrong shards)", () => {
    expect(run({ vars: { ...clean.vars, SHARD_COUNT: "64" } })).toEqual(["error shards"]);
    expect(run({ vars: { ...clean.vars, SHARD_COUNT: "many" } })).toEqual(["error shards"]);
  });

  it("fails on a demo show, anonymous sessions or a development identity provider in production", () => {
    expect(run({ vars: { ...clean.vars, DEMO_MODE: "on" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, ANONYMOUS_SESSIONS: "on" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, ANONYMOUS_SESSIONS: "turnstile" } })).toEqual([]);
    expect(run({ vars: { ...clean.vars, ENVIRONMENT: "development" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, IDENTITY_PROVIDER: "dev" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, DEV_LOGIN: "on" } })).toEqual(["error development"]);
    expect(run({ vars: { ...clean.vars, OIDC_ISSUER: "http://localhost:8787/api/dev-idp" } })).toEqual(["error development"]);
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

  it("fails when a consumed queue's dead letters would be deleted: no dead-letter queue, or one no consumer reads", () => {
    const [settlements, dlq] = clean.queues.consumers!;
    expect(run({ queues: { ...clean.queues, consumers: [settlements, { queue: dlq.queue }] } })).toEqual(["error queues"]);
    expect(run({ queues: { ...clean.queues, consumers: [settlements] } })).toEqual(["error queues"]);
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
    // The edges' half: 2 × TIMELINE_TTL_MS plus one read within 10 s.
    expect(run({ vars: { ...clean.vars, TIMELINE_TTL_MS: "4000" } })).toEqual([]);
    expect(run({ vars: { ...clean.vars, TIMELINE_TTL_MS: "5000" } })).toEqual(["error live"]);
    expect(run({ vars: { ...clean.vars, TIMELINE_TTL_MS: "soon" } })).toEqual(["error live"]);
    expect(run({ vars: { ...clean.vars, LIVE_TIMELINE_URL: "/live/timeline.json" } }, { pageCsp: "connect-src 'self'" })).toEqual([]);
  });
});
