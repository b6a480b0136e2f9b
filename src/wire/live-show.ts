/**
 * The operator API of the live show: timeline edits, verification, statistics, show clock.
 */
import type { Cents, EpochMs, Phase, PhaseKind, Timeline } from "./api";

/** `PATCH /api/admin/timeline/phases/:phaseId`: the fields to change in one phase. */
export type PhasePatch = Partial<Omit<Phase, "id">>;

/** One edit of the running order, applied atomically by the timeline object. */
export type TimelineEdit =
  | { kind: "replace"; timeline: Omit<Timeline, "version"> }
  | { kind: "patch"; phaseId: string; patch: PhasePatch }
  | { kind: "remove"; phaseId: string }
  | { kind: "start"; phaseId: string }
  | { kind: "stop"; phaseId: string };

/**
 * Things the operator should know about a timeline: a lottery phase that has no pools yet, or
 * a phase that plans more envelopes than its expected audience may take (src/domain/plan-check.ts).
 */
export type TimelineWarnings = string[];

/** Answer of every successful timeline edit. */
export interface TimelineEditResponse {
  timeline: Timeline;
  warnings: TimelineWarnings;
}

/** `GET /api/admin/timeline`: the stored timeline and its warnings as they stand now (with the pools created since). */
export interface StoredTimeline {
  timeline: Timeline | null;
  warnings: TimelineWarnings;
}

/** A phase's window as a shard enforces it: claims only on [startsAt, endsAt). */
export interface PhaseWindow {
  phaseId: string;
  startsAt: EpochMs;
  endsAt: EpochMs;
}

/**
 * A two-step transfer of envelopes, idempotent by `moveId`: take from shards, then give to
 * shards (or back to the sponsor's unallocated budget when `toPoolId` is null).
 * `leftover`: all remaining envelopes of a closed phase's pool move to the sponsor's next
 * lottery phase. `rebalance`: some envelopes of a pool move from a shard that holds stock
 * to one that ran dry, within the same pool.
 */
export interface MoveRecord {
  moveId: string;
  kind: "leftover" | "rebalance";
  fromPoolId: string;
  /** Pool that receives the envelopes; null = back to the sponsor's unallocated budget. */
  toPoolId: string | null;
  sponsorId: string;
  /** Shards to take from (every shard for leftovers). */
  fromShards: number[];
  /** Shards that receive the envelopes, dealt round-robin (none for a return). */
  toShards: number[];
  /** Envelopes to take from each source shard; null = all that remain. */
  limit: number | null;
  state: "planned" | "done";
  /** Cents that landed (in the destination or back with the sponsor), once done. */
  landedCents: Cents | null;
  createdAt: EpochMs;
}

/** `GET /api/admin/verify`: per pool and per shard, the merge verification. */
export interface ShardPoolVerification {
  shard: number;
  loadedCents: Cents;
  claimedCents: Cents;
  remainingCents: Cents;
  /** Lent to edge leases, not reported yet. */
  leasedCents: Cents;
  movedInCents: Cents;
  movedOutCents: Cents;
  loadedCount: number;
  claimedCount: number;
  remainingCount: number;
  leasedCount: number;
  /** Leased claims recorded here from another shard's loan, and of this shard's loans recorded at another home. */
  mergedInCents: Cents;
  mergedOutCents: Cents;
  /** loaded + moved in + merged in = claimed + remaining + leased + moved out + merged out on this shard. */
  pass: boolean;
}

export interface PoolVerification {
  poolId: string;
  phaseId: string;
  sponsorId: string;
  budgetCents: Cents;
  loadedCents: Cents;
  claimedCents: Cents;
  remainingCents: Cents;
  leasedCents: Cents;
  movedInCents: Cents;
  movedOutCents: Cents;
  /** Every shard passes, and budget + moved in = claimed + remaining + leased + moved out. */
  pass: boolean;
  shards: ShardPoolVerification[];
}

export interface MoveVerification {
  moveId: string;
  kind: MoveRecord["kind"];
  fromPoolId: string;
  toPoolId: string | null;
  state: MoveRecord["state"];
  takenCents: Cents;
  landedCents: Cents;
  /** Taken but not landed yet: an interrupted move, completed by the next tick. */
  inTransitCents: Cents;
  /** A done move landed exactly what it took. */
  pass: boolean;
}

export interface VerificationReport {
  galaId: string;
  phaseId: string | null;
  pass: boolean;
  pools: PoolVerification[];
  moves: MoveVerification[];
  /** Per sponsor, leftover cents returned to the sponsor's unallocated budget. */
  returnedCents: Record<string, Cents>;
  inTransitCents: Cents;
}

/**
 * One pool of a phase against its plan (src/domain/pool-pace.ts): its envelopes spread evenly
 * over the phase, each shard holding it to its allowance (issuance pacing, docs/overload.md).
 */
export interface PoolPace {
  poolId: string;
  sponsorId: string;
  /** Issued (claimed or lent) and in stock, on every shard. */
  envelopes: number;
  issued: number;
  /** What the plan has issued by now: its envelopes times the elapsed share of the phase. */
  planned: number;
  /** issued − planned: ahead of its plan when positive, behind when negative. */
  aheadOfPlan: number;
  /** Shards holding the pool back now: stock left and its allowance reached (0 with pacing off). */
  pacedShards: number;
}

/** `GET /api/admin/stats`: live figures for the operator console. */
export interface ShardPhaseStats {
  shard: number;
  shakesSeen: number;
  candidates: number;
  envelopesIssued: number;
  issuedCents: Cents;
  remainingCount: number;
  remainingCents: Cents;
  /** Shakes per second over the last STATS_RATE_WINDOW_MS, as flushed by the edges. */
  shakeRate: number;
}

export interface PhaseStats {
  phaseId: string;
  title: string;
  kind: PhaseKind;
  startsAt: EpochMs;
  endsAt: EpochMs;
  state: "upcoming" | "live" | "ended" | "closed";
  /** A lottery phase without pools gives nobody an envelope: reported, not hidden. */
  unfunded: boolean;
  totals: Omit<ShardPhaseStats, "shard">;
  shards: ShardPhaseStats[];
  /** Each pool against its plan (lottery phases). */
  pools: PoolPace[];
}

export interface StatsReport {
  galaId: string;
  version: number;
  serverTime: EpochMs;
  /** Whether shards pace issuance (`ISSUANCE_PACING`); off, no pool is ever held back. */
  issuancePacing: boolean;
  phases: PhaseStats[];
}

/** What one run of the show clock (cron tick or timeline alarm) did. */
export interface TickReport {
  at: EpochMs;
  armedShards: number;
  armFailures: number;
  reloadedPools: string[];
  closedPhases: string[];
  movesCompleted: string[];
  movesPending: string[];
  unfundedPhases: string[];
  nextAlarmAt: EpochMs | null;
}

/** A condition that needs an operator, raised by the show clock (console panel and logs). */
export type AlertKind = "settlement_stuck" | "dead_letters" | "shard_near_ceiling" | "pool_will_not_drain" | "audit_failing";

export interface Alert {
  kind: AlertKind;
  severity: "warning" | "critical";
  message: string;
  /** The phase or shard it is about, when it is about one. */
  phaseId: string | null;
  shard: number | null;
  /** Claims, envelopes or shakes per second behind it, depending on the kind. */
  count: number;
}

/** `GET /api/admin/alerts`: every condition that holds now. */
export interface AlertsResponse {
  at: EpochMs;
  alerts: Alert[];
}
