/**
 * Alert rules: from the audit and the live statistics, the conditions that need a person
 * during the show. Pure; the show clock's cron run (src/show/alerting.ts) gathers the inputs,
 * logs what holds, and the console's alerts panel reads the same through an admin route.
 */
import type { Alert, AuditReport, EpochMs, Phase, PhaseStats, StatsReport } from "../wire/index";

/** A shard whose estimated claim calls reach this share of its ceiling is "near" it. */
export const NEAR_CEILING = 0.8;
/** A live phase more than this far into its window is judged on its issuance so far. */
export const DRAIN_JUDGED_AFTER = 0.25;

export interface AlertInputs {
  now: EpochMs;
  /** Null when the audit could not be read (a store is down): that is an alert too. */
  audit: AuditReport | null;
  stats: StatsReport | null;
  phases: readonly Phase[];
  /** Calls per second one shard may take (SHARD_RPS_CEILING). */
  shardCeilingRps: number;
}

const alert = (a: Omit<Alert, "phaseId" | "shard"> & Partial<Pick<Alert, "phaseId" | "shard">>): Alert => ({
  phaseId: null,
  shard: null,
  ...a,
});

const sumCents = (claims: readonly { amountCents: number }[]) => claims.reduce((sum, c) => sum + c.amountCents, 0);

function settlementAlerts(audit: AuditReport): Alert[] {
  const dead = audit.settlement.stuck.filter((c) => c.deadAt !== null);
  const late = audit.settlement.stuck.filter((c) => c.deadAt === null);
  const bound = Math.round(audit.settlement.stuckAfterMs / 1000);
  return [
    ...(late.length
      ? [
          alert({
            kind: "settlement_stuck",
            severity: "critical",
            count: late.length,
            message: `${late.length} claims (${sumCents(late)} cents) queued for settlement more than ${bound} s ago are not in the ledger`,
          }),
        ]
      : []),
    ...(dead.length
      ? [
          alert({
            kind: "dead_letters",
            severity: "critical",
            count: dead.length,
            message: `${dead.length} settlements (${sumCents(dead)} cents) are dead letters: fix the ledger, then requeue`,
          }),
        ]
      : []),
  ];
}

function auditAlerts(audit: AuditReport | null): Alert[] {
  if (!audit)
    return [
      alert({ kind: "audit_failing", severity: "critical", count: 1, message: "the audit could not be read: a store is unavailable" }),
    ];
  if (audit.balanced) return [];
  const places = [
    ...audit.pools.filter((p) => !p.balanced).map((p) => `pool ${p.poolId}`),
    ...audit.settlement.pools.filter((p) => !p.balanced).map((p) => `settlement of ${p.poolId}`),
    ...audit.groups.envelopes.filter((g) => !g.balanced).map((g) => `group ${g.groupId}`),
    ...(audit.duplicateEnvelopeClaims ? [`${audit.duplicateEnvelopeClaims} envelopes claimed twice`] : []),
    ...(audit.settlement.unknownLedgerCents ? [`${audit.settlement.unknownLedgerCents} ledger cents without a claim`] : []),
  ];
  return [
    alert({
      kind: "audit_failing",
      severity: "critical",
      count: places.length,
      message: `the audit does not balance: ${places.slice(0, 5).join(", ") || "see GET /api/admin/audit"}`,
    }),
  ];
}

function shardAlerts(phase: PhaseStats, candidateRate: number, ceiling: number): Alert[] {
  return phase.shards
    .filter((s) => s.shakeRate * candidateRate >= NEAR_CEILING * ceiling)
    .map((s) => {
      const rps = Math.round(s.shakeRate * candidateRate);
      return alert({
        kind: "shard_near_ceiling",
        severity: "warning",
        phaseId: phase.phaseId,
        shard: s.shard,
        count: rps,
        message: `shard ${s.shard} takes about ${rps} claim calls/s of its ${ceiling} ceiling in ${phase.phaseId}`,
      });
    });
}

/** At the issuance rate so far, the envelopes left will not all be issued before the phase ends. */
function drainAlert(phase: PhaseStats, now: EpochMs): Alert[] {
  const length = phase.endsAt - phase.startsAt;
  const elapsed = now - phase.startsAt;
  const { remainingCount, envelopesIssued } = phase.totals;
  if (phase.state !== "live" || remainingCount === 0 || length <= 0 || elapsed < DRAIN_JUDGED_AFTER * length) return [];
  const projected = (envelopesIssued / elapsed) * (phase.endsAt - now);
  if (projected >= remainingCount) return [];
  return [
    alert({
      kind: "pool_will_not_drain",
      severity: "warning",
      phaseId: phase.phaseId,
      count: remainingCount - Math.floor(projected),
      message: `${phase.phaseId}: ${remainingCount} envelopes left, about ${Math.floor(projected)} will be issued before it ends (leftovers roll over)`,
    }),
  ];
}

/** Every alert that holds now, critical ones (audit, settlement) first. */
export function evaluateAlerts(input: AlertInputs): Alert[] {
  const rates = new Map(input.phases.map((p) => [p.id, p.kind === "lottery" ? p.candidateRate : 0]));
  const live = (input.stats?.phases ?? []).filter((p) => p.state === "live");
  return [
    ...auditAlerts(input.audit),
    ...(input.audit ? settlementAlerts(input.audit) : []),
    ...live.flatMap((p) => shardAlerts(p, rates.get(p.phaseId) ?? 0, input.shardCeilingRps)),
    ...live.flatMap((p) => drainAlert(p, input.now)),
  ];
}
