/**
 * Merge audit: every shard reports its books (its figures and its side of every move);
 * merged with the pool registry they must balance to the cent (budget + moved in =
 * remaining + claimed + moved out, see verify.ts), every finished move must land what it
 * took, no envelope may be issued twice, no user may be over the limits (limits.ts), no
 * closed phase may hold stock, and the settlement audit (settlement-audit.ts) must balance
 * too. Each failed check is a named problem (audit-problems.ts).
 */
import type { AuditReport, MoveRecord, PoolAudit, PoolRecord, SettlementAudit } from "../wire/index";
import type { ShardBooks } from "../wire/rpc";
import { moveProblems, poolProblems, settlementProblems, shardProblems } from "./audit-problems";
import { returnedBySponsor, verifyMove, verifyPool } from "./verify";
import { leasesAudit } from "./lease-audit";

export function mergeAudit(
  galaId: string,
  pools: readonly PoolRecord[],
  shards: readonly ShardBooks[],
  moves: readonly MoveRecord[],
  settlement: SettlementAudit,
  closedPhaseIds: ReadonlySet<string>,
): Omit<AuditReport, "groups" | "deepChecks"> {
  const poolAudits: PoolAudit[] = pools.map((pool) => {
    const v = verifyPool(pool, shards);
    return {
      poolId: pool.poolId,
      phaseId: pool.phaseId,
      sponsorId: pool.sponsorId,
      budgetCents: pool.budgetCents,
      remainingCents: v.remainingCents,
      claimedCents: v.claimedCents,
      leasedCents: v.leasedCents,
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
  const knownMoves = new Set(moves.map((m) => m.moveId));
  const orphans = shards.filter(
    (s) => s.pools.some((p) => !knownPools.has(p.poolId)) || s.moves.some((m) => !knownMoves.has(m.moveId)),
  ).length;
  const problems = [
    ...poolProblems(poolAudits, closedPhaseIds),
    ...moveProblems(moveChecks),
    ...shardProblems({
      duplicateEnvelopeClaims,
      maxClaimsPerUser,
      maxClaimsPerUserSponsor,
      orphans,
    }),
    ...settlementProblems(settlement),
  ];
  return {
    galaId,
    balanced: problems.length === 0,
    problems,
    pools: poolAudits,
    maxClaimsPerUser,
    maxClaimsPerUserSponsor,
    duplicateEnvelopeClaims,
    returnedCents: Object.values(returnedBySponsor(moves)).reduce((a, b) => a + b, 0),
    inTransitCents: moveChecks.reduce((sum, m) => sum + m.inTransitCents, 0),
    settlement,
    leases: leasesAudit(shards),
  };
}
