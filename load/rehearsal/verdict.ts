/**
 * The rehearsal's verdict, from what was recorded. Pure: every check is a function of the
 * samples, so each can be tested on hand-made figures. A finding names the check, the place
 * (pool, shard, claim, group) and what was seen against what was allowed.
 */
import type { AuditReport, Phase } from "../../src/wire/index.ts";
import { HEAD_START } from "../../src/domain/pacing.ts";
import type { PoolSample, RehearsalSettings, StatsSample } from "./samples.ts";
import { elapsedShare, percentile, poolTotalCents, shardRates } from "./series.ts";
import type { FleetSecond } from "./tally.ts";

export type Check = "money" | "pool-plan" | "shard-ceiling" | "settlement";

export interface Finding {
  check: Check;
  where: string;
  message: string;
  /** When it was seen (epoch ms), for the report's timeline; null for end-of-show checks. */
  at: number | null;
}

export interface Verdict {
  passed: boolean;
  findings: Finding[];
  /** One line per check, failed or not, for the report's summary. */
  summary: Record<Check, string>;
}

const cents = (n: number) => `${(n / 100).toFixed(2)}`;

/**
 * Money: the final audit balances everywhere, nothing issued twice, limits held; then every
 * other place the audit names (stock left in a closed phase, a lease past its return time, a
 * stuck claim, a wallet…) with its problem, each place once, so a failed audit always names where.
 */
export function moneyFindings(audit: AuditReport): Finding[] {
  const out: Finding[] = [];
  /** The audit's places (its problems' `place`) the checks below named. */
  const named = new Set<string>();
  const add = (where: string, message: string, place = where) => {
    out.push({ check: "money", where, message, at: null });
    named.add(place);
  };
  for (const p of audit.pools) {
    if (!p.balanced) {
      add(
        `pool ${p.poolId} (${p.phaseId}/${p.sponsorId})`,
        `budget ${cents(p.budgetCents)} + moved in ${cents(p.movedInCents)} ≠ claimed ${cents(p.claimedCents)} + remaining ${cents(p.remainingCents)} + moved out ${cents(p.movedOutCents)}`,
        `pool:${p.poolId}`,
      );
    }
  }
  for (const s of audit.settlement.pools) {
    if (!s.balanced)
      add(
        `settlement of pool ${s.poolId}`,
        `claimed ${cents(s.claimedCents)} ≠ settled ${cents(s.settledCents)} + pending ${cents(s.pendingCents)}`,
        `settlement:${s.poolId}`,
      );
  }
  if (audit.settlement.unknownLedgerCents !== 0)
    add("ledger", `${cents(audit.settlement.unknownLedgerCents)} in ledger rows that name no known pool`);
  for (const g of audit.groups.envelopes) {
    if (!g.balanced)
      add(
        `group ${g.groupId}`,
        `amount ${cents(g.amountCents)} ≠ grabbed ${cents(g.grabbedCents)} + refunded ${cents(g.refundedCents)} + open ${cents(g.openCents)}`,
        `group:${g.groupId}`,
      );
  }
  if (audit.duplicateEnvelopeClaims > 0) add("shards", `${audit.duplicateEnvelopeClaims} envelopes claimed twice`, "envelopes");
  if (audit.maxClaimsPerUser > 3) add("limits", `a user holds ${audit.maxClaimsPerUser} envelopes (limit 3)`);
  if (audit.inTransitCents !== 0) add("moves", `${cents(audit.inTransitCents)} taken by a move and not landed`);
  for (const p of audit.problems) if (!named.has(p.place)) add(p.place, `${p.problem} (${cents(p.cents)})`);
  if (!audit.balanced && out.length === 0) add("audit", "the audit says balanced: false and names no place");
  return out;
}

/**
 * Pools: by its phase's end each pool has issued at least (1 − tolerance) of its money, and
 * before its end it never ran ahead of its pacing: envelopes issued at most its stock times
 * (the elapsed share of the phase + the shards' head start + the tolerance), plus one
 * envelope per shard (each shard rounds its allowance up).
 */
export function poolFindings(samples: readonly PoolSample[], phases: readonly Phase[], tolerance: number, shards: number): Finding[] {
  const last = samples.at(-1);
  if (!last) return [];
  const out: Finding[] = [];
  for (const pool of last.pools) {
    const phase = phases.find((p) => p.id === pool.phaseId);
    const total = poolTotalCents(pool);
    if (!phase || total === 0) continue;
    const where = `pool ${pool.poolId} (${pool.phaseId}/${pool.sponsorId})`;
    const ahead = samples
      .filter((a) => a.at < phase.endsAt)
      .map((a) => ({ at: a.at, row: a.pools.find((p) => p.poolId === pool.poolId) }))
      .find(
        ({ at, row }) =>
          row && row.claimedCount > (row.claimedCount + row.remainingCount) * (elapsedShare(phase, at) + HEAD_START + tolerance) + shards,
      );
    if (ahead?.row) {
      const stock = ahead.row.claimedCount + ahead.row.remainingCount;
      out.push({
        check: "pool-plan",
        where,
        at: ahead.at,
        message: `ran ahead of its pacing: ${ahead.row.claimedCount} of ${stock} envelopes issued with ${pct(elapsedShare(phase, ahead.at))} of the phase elapsed`,
      });
    }
    if (last.at >= phase.endsAt && pool.claimedCents < (1 - tolerance) * total) {
      out.push({
        check: "pool-plan",
        where,
        at: phase.endsAt,
        message: `issued ${pct(pool.claimedCents / total)} of its ¥${cents(total)} by its phase's end (plan 100%, tolerance ${pct(tolerance)})`,
      });
    }
  }
  return out;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** Shards: the calls towards a shard never exceed the ceiling (averaged over the rate window). */
export function shardFindings(stats: readonly StatsSample[], ceilingPerSec: number): Finding[] {
  const out: Finding[] = [];
  const worst = new Map<number, { at: number; perSec: number }>();
  for (const { at, perShard } of shardRates(stats)) {
    perShard.forEach((perSec, shard) => {
      if (perSec > ceilingPerSec && perSec > (worst.get(shard)?.perSec ?? 0)) worst.set(shard, { at, perSec });
    });
  }
  for (const [shard, { at, perSec }] of [...worst].sort((a, b) => a[0] - b[0])) {
    out.push({ check: "shard-ceiling", where: `shard ${shard}`, at, message: `${Math.round(perSec)} calls/s (ceiling ${ceilingPerSec})` });
  }
  return out;
}

/**
 * Settlement: every opened envelope's ledger row was written within the bound of its open
 * (server clock), every one showed up in its wallet while the viewer watched, and nothing
 * is left pending at the end.
 */
export function settlementFindings(fleet: readonly FleetSecond[], audit: AuditReport, boundMs: number): Finding[] {
  const out: Finding[] = [];
  const late = fleet.flatMap((s) => s.settleMs.filter((ms) => ms > boundMs).map((ms) => ({ at: s.at, ms })));
  if (late.length > 0) {
    const worst = late.reduce((a, b) => (b.ms > a.ms ? b : a));
    out.push({
      check: "settlement",
      where: "open → ledger",
      at: worst.at,
      message: `${late.length} envelopes settled later than ${boundMs} ms after their open (worst ${worst.ms} ms)`,
    });
  }
  const unsettled = fleet.reduce((n, s) => n + s.unsettled, 0);
  if (unsettled > 0)
    out.push({
      check: "settlement",
      where: "open → wallet",
      at: null,
      message: `${unsettled} opened envelopes never showed up settled in their wallet`,
    });
  const pending = audit.settlement.pools.reduce((n, p) => n + p.pendingCount, 0);
  if (pending > 0)
    out.push({
      check: "settlement",
      where: "ledger",
      at: null,
      message: `${pending} claims still pending settlement after the show (stuck: ${audit.settlement.stuck.length})`,
    });
  return out;
}

export interface VerdictInput {
  settings: RehearsalSettings;
  phases: readonly Phase[];
  fleet: readonly FleetSecond[];
  stats: readonly StatsSample[];
  pools: readonly PoolSample[];
  finalAudit: AuditReport;
}

export function verdict(input: VerdictInput): Verdict {
  const { settings } = input;
  const latencies = input.fleet.flatMap((s) => s.settleMs);
  const checks: Record<Check, { findings: Finding[]; ok: string }> = {
    money: { findings: moneyFindings(input.finalAudit), ok: "every cent placed: pools, settlement, groups and moves balance" },
    "pool-plan": {
      findings: poolFindings(input.pools, input.phases, settings.poolTolerance, settings.shards),
      ok: `every pool kept its pacing and issued ≥ ${pct(1 - settings.poolTolerance)} of its money by its phase's end`,
    },
    "shard-ceiling": {
      findings: shardFindings(input.stats, settings.ceilingPerSec),
      ok: `no shard above ${settings.ceilingPerSec} calls/s`,
    },
    settlement: {
      findings: settlementFindings(input.fleet, input.finalAudit, settings.settleBoundMs),
      ok: `${latencies.length} opened envelopes settled within ${settings.settleBoundMs} ms (p99 ${percentile(latencies, 99)} ms)`,
    },
  };
  const findings = Object.values(checks).flatMap((c) => c.findings);
  const summary = Object.fromEntries(
    Object.entries(checks).map(([name, c]) => [name, c.findings.length === 0 ? `pass: ${c.ok}` : `FAIL: ${c.findings.length} finding(s)`]),
  ) as Record<Check, string>;
  return { passed: findings.length === 0, findings, summary };
}
