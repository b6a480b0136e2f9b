/**
 * Arming the shards: every shard gets the windows of all lottery phases, so it refuses
 * claims outside [startsAt, endsAt) on its own clock, even when an edge's cached timeline
 * is stale or the control plane is unreachable. Arming also checks readiness: a pool of a
 * phase that has not ended but is missing on a shard is loaded again (idempotently), and
 * lottery phases without pools are reported. Each shard also names the pools of closed phases
 * still holding stock there (stranded-stock.ts moves it on), so the check costs no extra call.
 */
import { unfundedPhases } from "../domain/timeline-edit";
import { allShards, shardStub } from "../objects";
import { loadPool } from "./pools";
import type { ShowRegistry } from "./registry";
import type { EpochMs, PhaseWindow } from "../wire/index";

export interface ArmReport {
  armedShards: number;
  armFailures: number;
  reloadedPools: string[];
  unfundedPhases: string[];
}

/** Stock in closed pools: pool id → the shards holding some. */
export type StrandedStock = Map<string, number[]>;

export async function armShards(env: Env, registry: ShowRegistry, now: EpochMs): Promise<ArmReport & { stranded: StrandedStock }> {
  const timeline = registry.document();
  const phases = timeline?.phases ?? [];
  const windows: PhaseWindow[] = phases
    .filter((p) => p.kind === "lottery")
    .map((p) => ({ phaseId: p.id, startsAt: p.startsAt, endsAt: p.endsAt }));
  const pools = registry.pools();
  const pending = new Set(phases.filter((p) => p.endsAt > now).map((p) => p.id));
  const expected = pools.filter((p) => pending.has(p.record.phaseId) && p.record.count > 0);
  const shards = allShards(env);
  const closed = registry.closedPhaseIds();
  const results = await Promise.allSettled(shards.map((shard) => shardStub(env, shard).armPhases(windows, closed)));
  const missing = new Set<string>();
  const stranded: StrandedStock = new Map();
  results.forEach((result, i) => {
    if (result.status === "rejected") return;
    const loaded = new Set(result.value.pools);
    for (const pool of expected) if (!loaded.has(pool.record.poolId)) missing.add(pool.record.poolId);
    for (const { poolId } of result.value.stranded) stranded.set(poolId, [...(stranded.get(poolId) ?? []), shards[i]]);
  });
  const reloaded = await Promise.allSettled(
    expected.filter((p) => missing.has(p.record.poolId)).map((p) => loadPool(env, p).then(() => p.record.poolId)),
  );
  return {
    armedShards: results.filter((r) => r.status === "fulfilled").length,
    armFailures: results.filter((r) => r.status === "rejected").length + reloaded.filter((r) => r.status === "rejected").length,
    reloadedPools: reloaded.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
    unfundedPhases: timeline
      ? unfundedPhases(
          timeline,
          pools.map((p) => p.record),
          now,
        ).map((p) => p.id)
      : [],
    stranded,
  };
}
