/**
 * The edge leases in the audit: their figures summed over shards, and a problem for every
 * lease still holding envelopes past its return time (plus the bound): those envelopes are
 * neither claimable nor back in the pool, so nobody could ever win them.
 */
import type { AuditProblem, LeasesAudit } from "../wire/index";
import type { ShardFigures } from "../wire/rpc";

export function leasesAudit(shards: readonly ShardFigures[]): LeasesAudit {
  const outstanding = shards.flatMap((s) => s.leases);
  return {
    calls: shards.reduce((n, s) => n + s.leaseCounters.calls, 0),
    mergeCalls: shards.reduce((n, s) => n + s.leaseCounters.mergeCalls, 0),
    merging: shards.reduce((n, s) => n + s.merging, 0),
    recorded: shards.reduce((n, s) => n + s.leaseCounters.recorded, 0),
    voided: shards.reduce((n, s) => n + s.leaseCounters.voided, 0),
    outstandingCount: outstanding.reduce((n, l) => n + l.count, 0),
    outstandingCents: outstanding.reduce((n, l) => n + l.cents, 0),
  };
}

export function leaseProblems(shards: readonly ShardFigures[], now: number, stuckAfterMs: number): AuditProblem[] {
  return shards.flatMap((s) =>
    s.leases
      .filter((l) => l.returnAfter + stuckAfterMs < now)
      .map((l) => ({
        place: `lease:${l.leaseId}`,
        problem: `shard ${s.shard} still lends ${l.count} envelope(s) of phase ${l.phaseId} past their return time`,
        cents: l.cents,
      })),
  );
}
