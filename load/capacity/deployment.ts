/**
 * The deployment's settings as the model reads them: the production defaults of shows.ts
 * with the numbers a Worker environment actually runs with (its `[vars]`). `npm run capacity`
 * passes `[env.production.vars]` from wrangler.toml; the console's estimate passes the
 * running Worker's own variables, so both price the configuration as deployed.
 */
import { PRODUCTION_DEPLOYMENT, type DeploymentInputs } from "./shows.ts";

/** The variables the model reads (a Worker's `Env` has them all). */
export type Vars = Partial<
  Record<"SHARD_COUNT" | "LEDGER_PARTITIONS" | "TIMELINE_TTL_MS" | "STATS_FLUSH_MS" | "LIVE_POLL_MS" | "LIVE_MAX_AGE_S", unknown>
>;

function positive(vars: Vars, name: keyof Vars, fallback: number): number {
  const value = Number(vars[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function deploymentOf(vars: Vars, base: DeploymentInputs = PRODUCTION_DEPLOYMENT): DeploymentInputs {
  return {
    ...base,
    shards: positive(vars, "SHARD_COUNT", base.shards),
    ledgerPartitions: positive(vars, "LEDGER_PARTITIONS", base.ledgerPartitions),
    timelineTtlMs: positive(vars, "TIMELINE_TTL_MS", base.timelineTtlMs),
    statsFlushMs: positive(vars, "STATS_FLUSH_MS", base.statsFlushMs),
    livePollMs: positive(vars, "LIVE_POLL_MS", base.livePollMs),
    liveMaxAgeS: positive(vars, "LIVE_MAX_AGE_S", base.liveMaxAgeS),
  };
}
