/**
 * Merge audit: every shard reports its own figures and move ledger; merged with the pool
 * registry they must balance to the cent (budget + moved in = remaining + claimed + moved
 * out, see verify.ts), every finished move must land what it took, no envelope may be
 * issued twice, no user may be over the per-gala or per-sponsor limits, and the settlement
 * audit (settlement-audit.ts) must balance too.
 */
import type { AuditReport, MoveRecord, PoolAudit, PoolRecord, SettlementAudit } from "../wire/index";
import type { ShardBooks } from "../wire/rpc";
import { returnedBySponsor, verifyMove, verifyPool } from "./verify";

export const MAX_ENVELOPES_PER_USER = 3;
export const MAX_ENVELOPES_PER_USER_SPONSOR = 1;

export function mergeAudit(
  galaId: string,
  pools: readonly PoolRecord[],
  shards: readonly ShardBooks[],
  moves: readonly MoveRecord[],
  settlement: SettlementAudit,
): Omit<AuditReport, "groups"> {
  const poolAudits: PoolAudit[] = pools.map((pool) => {
    const v = verifyPool(pool, shards);
    return {
      poolId: pool.poolId,
      phaseId: pool.phaseId,
      sponsorId: pool.sponsorId,
      budgetCents: pool.budgetCents,
      remainingCents: v.remainingCents,
      claimedCents: v.claimedCents,
      remainingCount: v.shards.reduce((n, s) => n + s.remainingCount, 0),
      claimedCount: v.shards.reduce((n, s) => n + s.claimedCount, 0),
      movedInCents: v.movedInCents,
      movedOutCents: v.movedOutCents,
      balanced: v.pass,
    };
  });
  const moveChecks = moves.map((move) => verifyMove(move, shards));
  const maxClaimsPerUser = Math.max(0, ...shards.map((s) => s.maxClaimsPerUser));
  const maxClaimsPerUserSponsor = Math.max(0, ...shards.map((s) => s.maxClaimsPerUserSponsor));
  const duplicateEnvelopeClaims = shards.reduce((sum, s) => sum + s.duplicateEnvelopeClaims, 0);
  const knownPools = new Set(pools.map((p) => p.poolId));
  const orphanFigures = shards.some((s) => s.pools.some((p) => !knownPools.has(p.poolId)));
  const knownMoves = new Set(moves.map((m) => m.moveId));
  const orphanMoves = shards.some((s) => s.moves.some((m) => !knownMoves.has(m.moveId)));
  return {
    galaId,
    balanced:
      poolAudits.every((p) => p.balanced) &&
      moveChecks.every((m) => m.pass) &&
      !orphanFigures &&
      !orphanMoves &&
      duplicateEnvelopeClaims === 0 &&
      maxClaimsPerUser <= MAX_ENVELOPES_PER_USER &&
      maxClaimsPerUserSponsor <= MAX_ENVELOPES_PER_USER_SPONSOR &&
      settlement.balanced,
    pools: poolAudits,
    maxClaimsPerUser,
    maxClaimsPerUserSponsor,
    duplicateEnvelopeClaims,
    returnedCents: Object.values(returnedBySponsor(moves)).reduce((a, b) => a + b, 0),
    inTransitCents: moveChecks.reduce((sum, m) => sum + m.inTransitCents, 0),
    settlement,
  };
}
