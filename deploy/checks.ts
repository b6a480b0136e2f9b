/**
 * Release checks on every environment of wrangler.toml, pure: no file, network or process
 * access (deploy/check.ts gathers the inputs and runs the dry-run bundle). The production
 * environment is checked against what production runs; every environment is checked for
 * what a `wrangler deploy` of it would do to production: deploy onto the production worker
 * (which holds the production secrets), or share its queues or database. Each finding says
 * what is wrong and what to do; `error`s fail `npm run deploy:check`, `warning`s are printed.
 */
import { planLive, PROMISE_MS } from "../load/capacity/live.ts";

export interface Finding {
  level: "error" | "warning";
  check: string;
  message: string;
}

/** The parts of wrangler's resolved configuration (`unstable_readConfig`) the checks read. */
export interface ProductionConfig {
  /** The worker a `wrangler deploy` of this environment creates or replaces. */
  name?: string;
  compatibility_date?: string;
  vars: Record<string, unknown>;
  observability?: { enabled?: boolean; head_sampling_rate?: number; logs?: { enabled?: boolean; head_sampling_rate?: number } };
  analytics_engine_datasets: { binding: string; dataset?: string }[];
  migrations: { tag: string }[];
  d1_databases: { binding: string; database_id?: string }[];
  queues: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
  r2_buckets: { binding: string; bucket_name?: string }[];
}

/** One environment of the file: "" is the top level (what a plain `wrangler deploy` deploys). */
export interface Environment {
  env: string;
  config: ProductionConfig;
}

/** What production runs now (deploy/production.json). */
export interface Recorded {
  /** The production worker's name: its secrets live on it. */
  worker: string;
  /** The wrangler environment that deploys it. */
  environment: string;
  shardCount: number;
  migrations: string[];
  secrets: string[];
}

export interface CheckInput {
  /** Every environment the file defines, the top level and production among them. */
  environments: Environment[];
  recorded: Recorded;
  /** Secret names the worker reads (the keys of .dev.vars.example). */
  secretsRead: string[];
  /** Release date of the workerd that wrangler bundles, YYYY-MM-DD. */
  workerdDate: string;
  /** Secret names set on the production worker, when `wrangler secret list` could be asked. */
  secretsSet: string[] | null;
  /** The viewer page's Content-Security-Policy (static-assets/_headers). */
  pageCsp: string;
}

const error = (check: string, message: string): Finding => ({ level: "error", check, message });
const warning = (check: string, message: string): Finding => ({ level: "warning", check, message });

/** The checks of the production environment, with its configuration. */
type ProductionInput = Omit<CheckInput, "environments"> & { config: ProductionConfig };

function secretChecks({ config, recorded, secretsRead, secretsSet }: ProductionInput): Finding[] {
  return [
    ...secretsRead
      .filter((name) => !recorded.secrets.includes(name))
      .map((name) =>
        error(
          "secrets",
          `the worker reads ${name}, which deploy/production.json does not name: add it there and run \`npx wrangler secret put ${name} --env production\``,
        ),
      ),
    ...secretsRead
      .filter((name) => name in config.vars)
      .map((name) => error("secrets", `${name} is a plain [env.production.vars] value: secrets never go in wrangler.toml`)),
    ...(secretsSet === null
      ? []
      : recorded.secrets
          .filter((name) => !secretsSet.includes(name))
          .map((name) =>
            error("secrets", `${name} is not set on the production worker: \`npx wrangler secret put ${name} --env production\``),
          )),
  ];
}

const DEVELOPMENT_URL = /\/\/(localhost|127\.0\.0\.1)[:/]|\/api\/dev-idp\b/;

/**
 * Settings that must never reach a worker holding production secrets: a development
 * identity provider (switched on, or trusted by URL), unchallenged anonymous sessions, a demo
 * show, or an ENVIRONMENT other than production (the worker's own start-up checks key on it).
 */
function unsafeSettings(where: string, vars: Record<string, unknown>): Finding[] {
  return Object.entries(vars).flatMap(([name, value]) => {
    const text = String(value).toLowerCase();
    const found = (message: string) => [error("development", `${where}: ${message}`)];
    if (name === "DEMO_MODE" && text !== "off") return found(`DEMO_MODE is "${text}": an empty timeline would seed a demo show`);
    if (name === "ENVIRONMENT" && text !== "production")
      return found(`ENVIRONMENT is "${text}": the worker's start-up checks would let development settings through`);
    if (name === "ANONYMOUS_SESSIONS" && text === "on")
      return found('ANONYMOUS_SESSIONS is "on": anyone could open sessions without signing in or a challenge');
    if (/IDENTITY|IDP|LOGIN|AUTH|PROVIDER/.test(name) && /\b(dev|development|test|local|insecure|fake)\b/.test(text))
      return found(`${name} = "${text}" enables a development identity provider`);
    if (/^(DEV|DEVELOPMENT)_|_DEV$/.test(name) && text !== "off" && text !== "false" && text !== "")
      return found(`${name} = "${text}": development switches must be off`);
    if (/^(OIDC|ACCESS)_|SIGN_IN_URL/.test(name) && DEVELOPMENT_URL.test(text))
      return found(`${name} = "${text}" trusts the development identity provider`);
    return [];
  });
}

const deployCommand = (env: string) => `\`wrangler deploy${env ? ` --env ${env}` : ""}\``;

const queuesOf = (config: ProductionConfig) => [
  ...new Set([...(config.queues.producers ?? []), ...(config.queues.consumers ?? [])].map((q) => q.queue)),
];

const databasesOf = (config: ProductionConfig) => config.d1_databases.flatMap((d) => (d.database_id ? [d.database_id] : []));

const bucketsOf = (config: ProductionConfig) => (config.r2_buckets ?? []).flatMap((b) => (b.bucket_name ? [b.bucket_name] : []));

/**
 * What each environment's `wrangler deploy` would do to production: the production
 * environment must deploy the production worker; any environment that deploys the
 * production worker (so runs with its secrets) must carry no development setting; no other
 * environment may share production's queues, database or R2 buckets (a development worker
 * would feed or drain production's settlements, or publish its timeline to production's phones).
 */
function environmentChecks({ environments, recorded }: CheckInput, production: ProductionConfig): Finding[] {
  const findings: Finding[] = [];
  if (production.name !== recorded.worker) {
    findings.push(
      error(
        "environments",
        `${deployCommand(recorded.environment)} deploys "${production.name}", not the production worker "${recorded.worker}" whose secrets are set`,
      ),
    );
  }
  const sharedQueues = new Set(queuesOf(production));
  const sharedDatabases = new Set(databasesOf(production));
  const sharedBuckets = new Set(bucketsOf(production));
  for (const { env, config } of environments) {
    const where = deployCommand(env);
    if (config.name === recorded.worker) findings.push(...unsafeSettings(where, config.vars));
    if (env === recorded.environment) continue;
    if (config.name === recorded.worker) {
      findings.push(
        error(
          "environments",
          `${where} would replace the production worker "${recorded.worker}" (which keeps the production secrets) with this environment's settings: give it a name of its own`,
        ),
      );
    }
    const queues = queuesOf(config).filter((q) => sharedQueues.has(q));
    const databases = databasesOf(config).filter((id) => sharedDatabases.has(id));
    const buckets = bucketsOf(config).filter((name) => sharedBuckets.has(name));
    if (queues.length || databases.length || buckets.length) {
      findings.push(
        error(
          "environments",
          `${where} would share production's ${[
            ...queues.map((q) => `queue ${q}`),
            ...databases.map((id) => `D1 database ${id}`),
            ...buckets.map((name) => `R2 bucket ${name}`),
          ].join(", ")}: give it its own`,
        ),
      );
    }
  }
  return findings;
}

function shardChecks({ config, recorded }: ProductionInput): Finding[] {
  const shards = Number(config.vars.SHARD_COUNT);
  if (!Number.isSafeInteger(shards) || shards < 1)
    return [error("shards", `SHARD_COUNT "${String(config.vars.SHARD_COUNT)}" is not a positive whole number`)];
  if (shards === recorded.shardCount) return [];
  return [
    error(
      "shards",
      `SHARD_COUNT would change from ${recorded.shardCount} to ${shards}: users are pinned to hash(userId) mod SHARD_COUNT, so every loaded pool and claim would be on the wrong shard. Change it only when no gala has pools loaded, then record the new value in deploy/production.json`,
    ),
  ];
}

/** Migrations already applied may not change; a new one rules out a gradual rollout. */
function migrationChecks({ config, recorded }: ProductionInput): Finding[] {
  const tags = config.migrations.map((m) => m.tag);
  const rewritten = recorded.migrations.filter((tag, i) => tags[i] !== tag);
  if (rewritten.length)
    return [
      error(
        "migrations",
        `applied Durable Object migrations were removed or reordered (${rewritten.join(", ")}): migrations are append-only`,
      ),
    ];
  const added = tags.slice(recorded.migrations.length);
  return added.length
    ? [
        warning(
          "migrations",
          `this release adds Durable Object migrations (${added.join(", ")}): it cannot go out with \`wrangler versions deploy\` gradually; use \`wrangler deploy --env production\` outside a live phase, then record the tags in deploy/production.json`,
        ),
      ]
    : [];
}

/**
 * No settlement message is deleted for running out of retries (docs/money-flow.md): every
 * queue the worker consumes sends its dead letters to a queue it also consumes (the settlement
 * queue to its dead-letter queue, and that one back to the settlement queue).
 */
function deadLetterChecks({ config }: ProductionInput): Finding[] {
  const consumers = config.queues.consumers ?? [];
  const consumed = new Set(consumers.map((c) => c.queue));
  return consumers
    .filter((c) => !c.dead_letter_queue || !consumed.has(c.dead_letter_queue))
    .map((c) =>
      error(
        "queues",
        `queue ${c.queue} ${c.dead_letter_queue ? `sends its dead letters to ${c.dead_letter_queue}, which no consumer of this worker reads` : "has no dead_letter_queue"}: a message out of retries would be deleted with its money`,
      ),
    );
}

function platformChecks({ config, workerdDate }: ProductionInput): Finding[] {
  const logs = config.observability;
  return [
    ...(config.compatibility_date && config.compatibility_date > workerdDate
      ? [
          error(
            "platform",
            `compatibility_date ${config.compatibility_date} is later than the bundled workerd (${workerdDate}): local tests would not run what production runs`,
          ),
        ]
      : []),
    ...(logs?.enabled && logs.logs?.enabled !== false
      ? []
      : [error("observability", "Workers Logs are off in production: [env.production.observability] enabled = true")]),
    ...((logs?.head_sampling_rate ?? 1) < 1 || (logs?.logs?.head_sampling_rate ?? 1) < 1
      ? [error("observability", "production logs are head-sampled below 1: money lines would be dropped with their invocations")]
      : []),
    ...(config.analytics_engine_datasets.some((d) => d.binding === "METRICS")
      ? []
      : [error("metrics", "production has no METRICS Analytics Engine dataset")]),
    ...config.d1_databases
      .filter((d) => !d.database_id || /^0{8}-/.test(d.database_id))
      .map((d) =>
        warning(
          "d1",
          `${d.binding} has the placeholder database_id: create it with \`npx wrangler d1 create gala-ledger\` and put its id in [env.production]`,
        ),
      ),
  ];
}

/**
 * The published timeline (docs/capacity.md): bound as LIVE, read by phones at a URL the page
 * may fetch (its origin in the page's connect-src), not the development route, and fresh
 * enough for the 10-second promise. Otherwise every poll would fall back to the Worker.
 */
function liveChecks({ config, pageCsp }: ProductionInput): Finding[] {
  const url = String(config.vars.LIVE_TIMELINE_URL ?? "");
  const connect = /(?:^|;)\s*connect-src([^;]*)/.exec(pageCsp)?.[1].trim().split(/\s+/) ?? [];
  const origin = /^https:\/\/[^/]+/.exec(url)?.[0];
  const live = planLive({ livePollMs: Number(config.vars.LIVE_POLL_MS), liveMaxAgeS: Number(config.vars.LIVE_MAX_AGE_S), colos: 1 }, 1);
  return [
    ...(config.r2_buckets.some((b) => b.binding === "LIVE")
      ? []
      : [error("live", "production binds no LIVE R2 bucket: the timeline would never be published for phones")]),
    ...(origin || (url.startsWith("/") && !url.startsWith("/api/"))
      ? []
      : [
          error(
            "live",
            `LIVE_TIMELINE_URL "${url}" is not the public bucket's https URL: phones would ask the Worker for every poll (the development route answers 404 in production)`,
          ),
        ]),
    ...(origin && !connect.includes(origin)
      ? [
          error(
            "live",
            `the page's connect-src (static-assets/_headers) does not allow ${origin}: phones could not read the published timeline`,
          ),
        ]
      : []),
    ...(live.propagationMs <= PROMISE_MS
      ? []
      : [
          error(
            "live",
            `LIVE_POLL_MS and LIVE_MAX_AGE_S let an edit take ${live.propagationMs} ms to reach phones, past the ${PROMISE_MS} ms promise`,
          ),
        ]),
    ...edgeChecks(config),
  ];
}

/** Time left for the one timeline read that follows two TTLs at the edge (docs/live-show.md: ≤ 2 × TTL plus one read). */
const EDGE_READ_MS = 1_000;

/** The edges' half of the 10-second promise: a location copy and an isolate copy each at most one TTL old, then one read. */
function edgeChecks(config: ProductionConfig): Finding[] {
  const ttl = Number(config.vars.TIMELINE_TTL_MS ?? 2_000);
  if (Number.isSafeInteger(ttl) && ttl > 0 && 2 * ttl + EDGE_READ_MS <= PROMISE_MS) return [];
  return [
    error(
      "live",
      `TIMELINE_TTL_MS "${String(config.vars.TIMELINE_TTL_MS)}" lets an edit take 2 × TTL plus a read to reach every edge, past the ${PROMISE_MS} ms promise (at most ${(PROMISE_MS - EDGE_READ_MS) / 2} ms)`,
    ),
  ];
}

export function checkRelease(input: CheckInput): Finding[] {
  const production = input.environments.find((e) => e.env === input.recorded.environment)?.config;
  if (!production) {
    return [
      error("environments", `wrangler.toml defines no [env.${input.recorded.environment}]: there is no production worker to release`),
    ];
  }
  const withConfig: ProductionInput = { ...input, config: production };
  return [
    ...environmentChecks(input, production),
    ...secretChecks(withConfig),
    ...shardChecks(withConfig),
    ...migrationChecks(withConfig),
    ...platformChecks(withConfig),
    ...deadLetterChecks(withConfig),
    ...liveChecks(withConfig),
  ];
}
