/**
 * Samples the running show through the admin API while the viewers shake: the statistics
 * (issued per phase, candidates per shard) every second and the audit (issued per pool,
 * settlement backlog) every other second. A sample still under way is not started twice,
 * and a failed read is counted, not fatal: the report shows the gap.
 */
import type { AuditReport, StatsReport } from "../../src/wire/index.ts";
import type { AuditSample, StatsSample } from "./samples.ts";

export interface AdminCaller {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

export function statsSample(stats: StatsReport, at: number): StatsSample {
  const shardCount = Math.max(0, ...stats.phases.map((p) => p.shards.length));
  const shardCandidates = Array.from({ length: shardCount }, (_, shard) =>
    stats.phases.reduce((n, p) => n + (p.shards.find((s) => s.shard === shard)?.candidates ?? 0), 0),
  );
  return {
    at,
    phases: stats.phases.map((p) => ({ phaseId: p.phaseId, title: p.title, kind: p.kind, startsAt: p.startsAt, endsAt: p.endsAt, issued: p.totals.envelopesIssued })),
    shardCandidates,
  };
}

export function auditSample(audit: AuditReport, at: number): AuditSample {
  return {
    at,
    balanced: audit.balanced,
    pools: audit.pools.map(({ poolId, phaseId, sponsorId, budgetCents, claimedCents, claimedCount, remainingCount, movedInCents, movedOutCents }) => ({
      poolId,
      phaseId,
      sponsorId,
      budgetCents,
      claimedCents,
      claimedCount,
      remainingCount,
      movedInCents,
      movedOutCents,
    })),
    settlement: audit.settlement.pools.map(({ poolId, settledCount, pendingCount }) => ({ poolId, settledCount, pendingCount })),
  };
}

export class Sampler {
  readonly stats: StatsSample[] = [];
  readonly audits: AuditSample[] = [];
  failures = 0;
  readonly #admin: AdminCaller;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  #ticks = 0;

  constructor(admin: AdminCaller) {
    this.#admin = admin;
  }

  start(everyMs = 1_000): void {
    this.#timer = setInterval(() => void this.sample(), everyMs);
  }

  async sample(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    const withAudit = this.#ticks++ % 2 === 0;
    try {
      const [stats, audit] = await Promise.all([
        this.#admin.call("GET", "/stats") as Promise<StatsReport>,
        withAudit ? (this.#admin.call("GET", "/audit") as Promise<AuditReport>) : null,
      ]);
      const at = Date.now();
      this.stats.push(statsSample(stats, at));
      if (audit) this.audits.push(auditSample(audit, at));
    } catch {
      this.failures++;
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
