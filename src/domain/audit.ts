/**
 * Merge verification: every shard reports its own figures; merged with the pool registry
 * they must balance to the cent (budget = remaining + claimed), with no envelope issued
 * twice and no user over the per-gala or per-sponsor limits; the settlement audit
 * (settlement-audit.ts) must balance too.
 */
import type { AuditReport, PoolAudit, PoolRecord, SettlementAudit, ShardFigures } from "../wire";

export const MAX_ENVELOPES_PER_USER = 3;
export const MAX_ENVELOPES_PER_USER_SPONSOR = 1;

export function mergeAudit(
  galaId: string,
  pools: readonly PoolRecord[],
  shards: readonly ShardFigures[],
  settlement: SettlementAudit,
): Omit<AuditReport, "groups"> {
  const poolAudits: PoolAudit[] = pools.map((pool) => {
    let remainingCents = 0;
    let claimedCents = 0;
    let remainingCount = 0;
    let claimedCount = 0;
    for (const shard of shards) {
      for (const figures of shard.pools) {
        if (figures.poolId !== pool.poolId) continue;
        remainingCents += figures.remainingCents;
        claimedCents += figures.claimedCents;
        remainingCount += figures.remainingCount;
        claimedCount += figures.claimedCount;
      }
    }
    const balanced = pool.budgetCents === remainingCents + claimedCents && pool.count === remainingCount + claimedCount;
    return {
      poolId: pool.poolId,
      phaseId: pool.phaseId,
      sponsorId: pool.sponsorId,
      budgetCents: pool.budgetCents,
      remainingCents,
      claimedCents,
      remainingCount,
      claimedCount,
      balanced,
    };
  });
  const maxClaimsPerUser = Math.max(0, ...shards.map((s) => s.maxClaimsPerUser));
  const maxClaimsPerUserSponsor = Math.max(0, ...shards.map((s) => s.maxClaimsPerUserSponsor));
  const duplicateEnvelopeClaims = shards.reduce((sum, s) => sum + s.duplicateEnvelopeClaims, 0);
  const knownPools = new Set(pools.map((p) => p.poolId));
  const orphanFigures = shards.some((s) => s.pools.some((p) => !knownPools.has(p.poolId)));
  return {
    galaId,
    balanced:
      poolAudits.every((p) => p.balanced) &&
      !orphanFigures &&
      duplicateEnvelopeClaims === 0 &&
      maxClaimsPerUser <= MAX_ENVELOPES_PER_USER &&
      maxClaimsPerUserSponsor <= MAX_ENVELOPES_PER_USER_SPONSOR &&
      settlement.balanced,
    pools: poolAudits,
    maxClaimsPerUser,
    maxClaimsPerUserSponsor,
    duplicateEnvelopeClaims,
    settlement,
  };
}
