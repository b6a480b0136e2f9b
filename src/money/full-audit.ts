/**
 * The whole audit, read from every store: the shards' rows (envelopes, claims, settlement
 * state, their side of every move), the pool registry and closed phases, the ledger partitions, and the group
 * envelopes not settled yet with the settled ones' totals (groups-audit.ts), merged by the pure audits in src/domain/. Every failed check is a
 * named problem; `balanced` is true only when there is none.
 */
import { mergeAudit } from "../domain/audit";
import { groupProblems } from "../domain/group-audit";
import { leaseProblems } from "../domain/lease-audit";
import { endedLotteryPhaseIds } from "../domain/settlement";
import { mergeSettlement } from "../domain/settlement-audit";
import { unavailable } from "../errors";
import { allShards, shardStub, timelineStub } from "../objects";
import { readShardBooks } from "../show/pools";
import type { AuditReport, PendingClaim, Timeline } from "../wire/index";
import type { ShardSettlementFigures } from "../wire/rpc";
import { auditGroupEnvelopes } from "./groups-audit";
import { claimsInLedger, settledByPool, walletProblems } from "./wallet-ledger";

/** A shard's money in motion, its in-flight claims read page by page (no cap on a backlog). */
async function motionOf(env: Env, shard: number, ended: string[]): Promise<ShardSettlementFigures> {
  const stub = shardStub(env, shard);
  const figures = await stub.settlementFigures(ended);
  const inFlight: PendingClaim[] = [];
  for (let after: string | null = null; ;) {
    const page = await stub.inFlightPage(after);
    inFlight.push(...page.claims);
    if (page.next === null) break;
    after = page.next;
  }
  return { ...figures, inFlight };
}

/** Which in-flight claims the ledger holds, asked of their partitions in pages. */
async function inLedgerOf(env: Env, claims: readonly { claimId: string; userId: string }[]): Promise<Set<string>> {
  const inLedger = new Set<string>();
  for (let i = 0; i < claims.length; i += 1000) {
    for (const id of await claimsInLedger(env, claims.slice(i, i + 1000))) inLedger.add(id);
  }
  return inLedger;
}

/**
 * The merge audit. Shards are read before the ledger, so a claim settling meanwhile is seen
 * as pending by its shard and found in the ledger by the in-flight check (counted once).
 */
export async function auditAll(env: Env, timeline: Timeline, stuckAfterMs: number): Promise<AuditReport> {
  const now = Date.now();
  const ended = endedLotteryPhaseIds(timeline, now - stuckAfterMs);
  const [{ pools: records, moves, books }, motion, closed] = await Promise.all([
    readShardBooks(env),
    Promise.all(allShards(env).map((shard) => motionOf(env, shard, ended))),
    timelineStub(env).closedPhaseIds(),
  ]);
  const [ledger, inLedger, wallets] = await Promise.all([
    settledByPool(env),
    inLedgerOf(
      env,
      motion.flatMap((m) => m.inFlight),
    ),
    walletProblems(env),
  ]).catch((err) => {
    console.error("ledger unreadable for the audit", String(err));
    throw unavailable("the ledger is unavailable; the audit needs it");
  });
  const settlement = mergeSettlement({ pools: records, claims: books, motion, ledger, inLedger, now, stuckAfterMs });
  const report = mergeAudit(timeline.galaId, records, books, moves, settlement, new Set(closed));
  const groups = await auditGroupEnvelopes(env, now - stuckAfterMs);
  const problems = [...report.problems, ...leaseProblems(books, now, stuckAfterMs), ...groupProblems(groups), ...wallets];
  return { ...report, balanced: problems.length === 0, problems, groups };
}
