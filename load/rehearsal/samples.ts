/**
 * The samples a rehearsal takes while the show runs, and its settings: what the verdict
 * and the charts are computed from.
 */
import type { Phase, PoolAudit } from "../../src/wire/index.ts";

/** One read of `GET /api/admin/stats`, reduced to what the charts need. */
export interface StatsSample {
  at: number;
  /** How long the read took (ms): the sampling's own cost on the server shows here. */
  readMs: number;
  /** Per phase: its window as the timeline says now, and envelopes issued so far. */
  phases: { phaseId: string; title: string; kind: Phase["kind"]; startsAt: number; endsAt: number; issued: number }[];
  /** Per shard: envelope candidates sent towards it so far (all phases). */
  shardCandidates: number[];
}

/** Per pool, what has been issued so far: from `GET /api/admin/verify` (the shards' books). */
export interface PoolSample {
  at: number;
  readMs: number;
  pools: Pick<
    PoolAudit,
    | "poolId"
    | "phaseId"
    | "sponsorId"
    | "budgetCents"
    | "claimedCents"
    | "claimedCount"
    | "remainingCount"
    | "movedInCents"
    | "movedOutCents"
  >[];
}

/** Claims won and not yet in a wallet: from `GET /api/admin/audit` (every store, the heaviest read). */
export interface BacklogSample {
  at: number;
  readMs: number;
  pending: number;
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
