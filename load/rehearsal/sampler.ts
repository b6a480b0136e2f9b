/**
 * Samples the running show through the admin API while the viewers shake: the statistics
 * (issued per phase, candidates per shard) every second, the shards' books (issued per
 * pool) every other second and the full audit (settlement backlog; it reads every store and
 * every group envelope, so it is the heaviest) every sixth. A sample still under way is not started twice,
 * and a failed read is counted, not fatal: the report shows the gap.
 */
import type { AuditReport, StatsReport, VerificationReport } from "../../src/wire/index.ts";
import type { BacklogSample, PoolSample, StatsSample } from "./samples.ts";

export interface AdminCaller {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

export function statsSample(stats: StatsReport, at: number, readMs: number): StatsSample {
  const shardCount = Math.max(0, ...stats.phases.map((p) => p.shards.length));
  const shardCandidates = Array.from({ length: shardCount }, (_, shard) =>
    stats.phases.reduce((n, p) => n + (p.shards.find((s) => s.shard === shard)?.candidates ?? 0), 0),
  );
  return {
    at,
    readMs,
    phases: stats.phases.map((p) => ({
      phaseId: p.phaseId,
      title: p.title,
      kind: p.kind,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
      issued: p.totals.envelopesIssued,
    })),
    shardCandidates,
  };
}

/** Verification rows per pool, summed over shards; the final audit's rows have the same fields. */
export function poolSample(report: VerificationReport | AuditReport, at: number, readMs: number): PoolSample {
  return {
    at,
    readMs,
    pools: report.pools.map((p) => ({
      poolId: p.poolId,
      phaseId: p.phaseId,
      sponsorId: p.sponsorId,
      budgetCents: p.budgetCents,
      claimedCents: p.claimedCents,
      claimedCount: "shards" in p ? p.shards.reduce((n, s) => n + s.claimedCount, 0) : p.claimedCount,
      remainingCount: "shards" in p ? p.shards.reduce((n, s) => n + s.remainingCount, 0) : p.remainingCount,
      movedInCents: p.movedInCents,
      movedOutCents: p.movedOutCents,
    })),
  };
}

export function backlogSample(audit: AuditReport, at: number, readMs: number): BacklogSample {
  return { at, readMs, pending: audit.settlement.pools.reduce((n, p) => n + p.pendingCount, 0) };
}

/** Seconds between reads of the shards' books (per pool) and of the full audit (backlog). */
const POOLS_EVERY = 2;
const AUDIT_EVERY = 6;

export class Sampler {
  readonly stats: StatsSample[] = [];
  readonly pools: PoolSample[] = [];
  readonly backlog: BacklogSample[] = [];
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
    const tick = this.#ticks++;
    const timed = async <T>(path: string) => {
      const from = Date.now();
      const body = (await this.#admin.call("GET", path)) as T;
      return { body, at: Date.now(), ms: Date.now() - from };
    };
    try {
      const [stats, verify, audit] = await Promise.all([
        timed<StatsReport>("/stats"),
        tick % POOLS_EVERY === 0 ? timed<VerificationReport>("/verify") : null,
        tick % AUDIT_EVERY === 0 ? timed<AuditReport>("/audit") : null,
      ]);
      this.stats.push(statsSample(stats.body, stats.at, stats.ms));
      if (verify) this.pools.push(poolSample(verify.body, verify.at, verify.ms));
      if (audit) this.backlog.push(backlogSample(audit.body, audit.at, audit.ms));
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
