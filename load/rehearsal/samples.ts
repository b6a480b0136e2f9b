/**
 * The samples a rehearsal takes while the show runs, and its settings: what the verdict
 * and the charts are computed from.
 */
import type { Phase, PoolAudit, PoolSettlement } from "../../src/wire/index.ts";

/** One read of `GET /api/admin/stats`, reduced to what the charts need. */
export interface StatsSample {
  at: number;
  /** Per phase: its window as the timeline says now, and envelopes issued so far. */
  phases: { phaseId: string; title: string; kind: Phase["kind"]; startsAt: number; endsAt: number; issued: number }[];
  /** Per shard: envelope candidates sent towards it so far (all phases). */
  shardCandidates: number[];
}

/** One read of `GET /api/admin/audit`, reduced to the pools and their settlement. */
export interface AuditSample {
  at: number;
  balanced: boolean;
  pools: Pick<PoolAudit, "poolId" | "phaseId" | "sponsorId" | "budgetCents" | "claimedCents" | "claimedCount" | "remainingCount" | "movedInCents" | "movedOutCents">[];
  settlement: Pick<PoolSettlement, "poolId" | "settledCount" | "pendingCount">[];
}

export interface OperatorStep {
  at: number;
  actions: string[];
  error: string | null;
}

export interface RehearsalSettings {
  viewers: number;
  speedup: number;
  shards: number;
  /** Calls per second the edge lets reach one shard (the deployed SHARD_RPS_CEILING). */
  ceilingPerSec: number;
  /** A pool that issued less than (1 − tolerance) of its plan by its close misses it. */
  poolTolerance: number;
  /** Every opened envelope must reach its wallet within this many ms. */
  settleBoundMs: number;
}
