/**
 * The audit's verdict as a list of places where money is not where it belongs: every
 * failed check of the merge audit (pools, moves, limits, duplicates), of the settlement
 * audit (claimed ≠ settled + pending, claims pending past the bound, ledger rows of unknown
 * claims), stock left in a closed phase (never claimable, never returned) and every group
 * envelope that does not balance. The report is balanced only when the list is empty.
 */
import type { AuditProblem, MoveVerification, PoolAudit, SettlementAudit } from "../wire/index";
import { withinLimits } from "./limits";

export interface ShardChecks {
  duplicateEnvelopeClaims: number;
  maxClaimsPerUser: number;
  maxClaimsPerUserSponsor: number;
  /** Shard rows (pools or moves) the registry does not know. */
  orphans: number;
}

export function poolProblems(pools: readonly PoolAudit[], closedPhaseIds: ReadonlySet<string>): AuditProblem[] {
  return pools.flatMap((p): AuditProblem[] => {
    const out: AuditProblem[] = [];
    if (!p.balanced) {
      out.push({
        place: `pool:${p.poolId}`,
        problem: "budget + moved in ≠ claimed + remaining + leased + moved out, or a shard's share is not loaded",
        cents: p.budgetCents + p.movedInCents - p.claimedCents - p.remainingCents - p.leasedCents - p.movedOutCents,
      });
    }
    if (closedPhaseIds.has(p.phaseId) && p.remainingCents + p.leasedCents > 0) {
      out.push({
        place: `pool:${p.poolId}`,
        problem: `stock left in closed phase ${p.phaseId} (in stock or leased): never claimable and not returned`,
        cents: p.remainingCents + p.leasedCents,
      });
    }
    return out;
  });
}

export function moveProblems(moves: readonly MoveVerification[]): AuditProblem[] {
  return moves
    .filter((m) => !m.pass)
    .map((m) => ({ place: `move:${m.moveId}`, problem: "landed cents differ from the cents taken", cents: m.takenCents - m.landedCents }));
}

export function shardProblems(c: ShardChecks): AuditProblem[] {
  const out: AuditProblem[] = [];
  if (c.duplicateEnvelopeClaims > 0) {
    out.push({ place: "envelopes", problem: `${c.duplicateEnvelopeClaims} envelope(s) issued twice`, cents: 0 });
  }
  if (!withinLimits(c.maxClaimsPerUser, c.maxClaimsPerUserSponsor)) {
    out.push({ place: "limits", problem: "a user holds more envelopes than the limits allow", cents: 0 });
  }
  if (c.orphans > 0) out.push({ place: "shards", problem: "a shard holds pools or moves the registry does not know", cents: 0 });
  return out;
}

export function settlementProblems(s: SettlementAudit): AuditProblem[] {
  const out: AuditProblem[] = s.pools
    .filter((p) => !p.balanced)
    .map((p) => ({
      place: `settlement:${p.poolId}`,
      problem: "claimed ≠ settled in the ledger + pending on the shards",
      cents: p.claimedCents - p.settledCents - p.pendingCents,
    }));
  if (s.unknownLedgerCents !== 0) {
    out.push({ place: "ledger", problem: "ledger rows for claims of no registered pool", cents: s.unknownLedgerCents });
  }
  for (const claim of s.stuck) {
    const why =
      claim.deadAt !== null
        ? "dead-lettered"
        : claim.enqueuedAt !== null
          ? "sent but not settled"
          : claim.openedAt !== null
            ? "opened but never sent"
            : "never sent after its phase ended";
    out.push({
      place: `claim:${claim.claimId}`,
      problem: `settlement ${why} for longer than ${s.stuckAfterMs} ms`,
      cents: claim.amountCents,
    });
  }
  return out;
}
