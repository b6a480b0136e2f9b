/**
 * The operator's audit, read from every store's running totals and pending work: each
 * shard's totals per pool and its claims in motion (durable-objects/pool-shard/totals.ts,
 * the pending-only index of claim-state.ts), its side of every move, the pool registry and
 * closed phases, each ledger partition's totals, and the group envelopes not settled yet with the settled ones' totals (groups-audit.ts), merged
 * by the pure audits in src/domain/, and the findings the objects' deep checks reported to the
 * show clock (rows that disagree with their totals). Every failed check is a named problem; `balanced` is true
 * only when there is none. Its cost grows with shards, partitions, pools and money in motion,
 * not with claims or ledger rows (group envelopes: see src/money/group-registry.ts).
 */
import { mergeAudit } from "../domain/audit";
import { groupProblems } from "../domain/group-audit";
import { leaseProblems } from "../domain/lease-audit";
import { endedLotteryPhaseIds } from "../domain/settlement";
import { mergeSettlement } from "../domain/settlement-audit";
import { unavailable } from "../errors";
import { allShards, shardStub, timelineStub } from "../objects";
import type { AuditReport, PendingClaim, Timeline } from "../wire/index";
import type { ShardBooks, ShardSettlementFigures } from "../wire/rpc";
import { auditGroupEnvelopes } from "./groups-audit";
import { deepCheckReports } from "./deep-checks";
import { claimsInLedger, ledgerAudit } from "./wallet-ledger";

/**
 * One shard's part of the audit: one call answers its books and its money in motion from its
 * running totals and its pending-only index; a backlog longer than a page is read on page by
 * page (no cap), so the calls grow with the money in motion, never with the claims settled.
 */
async function shardAudit(env: Env, shard: number, ended: string[]): Promise<{ books: ShardBooks; motion: ShardSettlementFigures }> {
  const stub = shardStub(env, shard);
  const { books, motion, next } = await stub.auditFigures(ended);
  const inFlight: PendingClaim[] = [...motion.inFlight];
  for (let after = next; after !== null;) {
    const page = await stub.inFlightPage(after);
    inFlight.push(...page.claims);
    after = page.next;
  }
  return { books, motion: { ...motion, inFlight } };
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
/**
 * The operator's audit: one call per shard, one per ledger partition (plus one per partition
 * holding in-flight claims, to ask which of them it already holds), the registry and closed
 * phases from the timeline, then the group envelopes. Shards are read before the ledger, so a
 * claim settling meanwhile is seen as pending by its shard and found in the ledger by the
 * in-flight check (counted once).
 */
export async function auditAll(env: Env, timeline: Timeline, stuckAfterMs: number): Promise<AuditReport> {
  const now = Date.now();
  const ended = endedLotteryPhaseIds(timeline, now - stuckAfterMs);
  const registry = timelineStub(env);
  const [shards, records, moves, closed, deepChecks] = await Promise.all([
    Promise.all(allShards(env).map((shard) => shardAudit(env, shard, ended))),
    registry.pools(),
    registry.moves(),
    registry.closedPhaseIds(),
    registry.deepChecks(),
  ]);
  const books = shards.map((s) => s.books);
  const motion = shards.map((s) => s.motion);
  const [ledger, inLedger] = await Promise.all([
    ledgerAudit(env),
    inLedgerOf(
      env,
      motion.flatMap((m) => m.inFlight),
    ),
  ]).catch((err) => {
    console.error("ledger unreadable for the audit", String(err));
    throw unavailable("the ledger is unavailable; the audit needs it");
  });
  const pools = records.map((p) => p.record);
  const settlement = mergeSettlement({ pools, claims: books, motion, ledger: ledger.settled, inLedger, now, stuckAfterMs });
  const report = mergeAudit(timeline.galaId, pools, books, moves, settlement, new Set(closed));
  const groups = await auditGroupEnvelopes(env, now - stuckAfterMs);
  const deep = await deepCheckReports(env, deepChecks);
  const problems = [
    ...report.problems,
    ...leaseProblems(books, now, stuckAfterMs),
    ...groupProblems(groups),
    ...ledger.problems,
    ...deep.flatMap((r) => r.findings),
  ];
  return { ...report, balanced: problems.length === 0, problems, groups, deepChecks: deep };
}
