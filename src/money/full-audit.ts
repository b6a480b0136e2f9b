/**
 * The whole audit, read from every store: the shards' books and settlement figures, the
 * pool registry, the D1 ledger and the group envelopes, merged by the pure audits in
 * src/domain/.
 */
import { mergeAudit } from "../domain/audit";
import { endedLotteryPhaseIds } from "../domain/settlement";
import { mergeSettlement } from "../domain/settlement-audit";
import { unavailable } from "../errors";
import { allShards, shardStub } from "../objects";
import { readShardBooks } from "../show/pools";
import type { AuditReport, Timeline } from "../wire/index";
import { auditGroupEnvelopes } from "./groups-audit";
import { claimsInLedger, settledByPool } from "./wallet-ledger";

/**
 * The merge audit. Shards are read before the ledger, so a claim settling meanwhile is seen
 * as pending by its shard and found in the ledger by the in-flight check (counted once).
 */
export async function auditAll(env: Env, timeline: Timeline, stuckAfterMs: number): Promise<AuditReport> {
  const now = Date.now();
  const ended = endedLotteryPhaseIds(timeline, now - stuckAfterMs);
  const [{ pools: records, moves, ledgers }, motion] = await Promise.all([
    readShardBooks(env),
    Promise.all(allShards(env).map((shard) => shardStub(env, shard).settlementFigures(shard, ended))),
  ]);
  const [ledger, inLedger] = await Promise.all([
    settledByPool(env),
    claimsInLedger(
      env,
      motion.flatMap((m) => m.inFlight),
    ),
  ]).catch((err) => {
    console.error("ledger unreadable for the audit", String(err));
    throw unavailable("the ledger is unavailable; the audit needs it");
  });
  const settlement = mergeSettlement({ pools: records, claims: ledgers, motion, ledger, inLedger, now, stuckAfterMs });
  const report = mergeAudit(timeline.galaId, records, ledgers, moves, settlement);
  const groups = await auditGroupEnvelopes(env, now - stuckAfterMs);
  return { ...report, balanced: report.balanced && groups.balanced, groups };
}
