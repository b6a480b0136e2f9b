/**
 * Wire types: the one contract shared by the edge worker, the Durable Objects, the PWA
 * (through JSDoc imports) and the load scripts. Types only, so any runtime can import it.
 * Money is always integer cents; times are Unix epoch milliseconds.
 */

export type Cents = number;
export type EpochMs = number;

/** Every 4xx/5xx body. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

// ---------------------------------------------------------------- sessions

export interface SessionRequest {
  /** Optional stable device identifier the client keeps in local storage. */
  deviceId?: string;
}

export interface SessionResponse {
  token: string;
  userId: string;
  expiresAt: EpochMs;
}

// ---------------------------------------------------------------- timeline

export type PhaseKind = "greeting" | "lottery";

export interface Sponsor {
  id: string;
  name: string;
  /** Id of the sponsor's branding in the pre-downloaded resource package. */
  assetId: string;
}

export interface Phase {
  id: string;
  title: string;
  kind: PhaseKind;
  startsAt: EpochMs;
  endsAt: EpochMs;
  /** Sponsors whose pools are handed out in this phase (lottery phases). */
  sponsorIds: string[];
  /** Greeting shown in greeting phases and to non-candidates of lottery phases. */
  greetingAssetId: string;
  /** Probability in [0, 1] that a shake in this lottery phase is an envelope candidate. */
  candidateRate: number;
}

export interface Timeline {
  galaId: string;
  version: number;
  sponsors: Sponsor[];
  phases: Phase[];
}

/** `GET /api/timeline`: what a viewer needs to count down and render phases. */
export interface PublicPhase {
  id: string;
  title: string;
  kind: PhaseKind;
  startsAt: EpochMs;
  endsAt: EpochMs;
  sponsors: Sponsor[];
  greetingAssetId: string;
}

export interface PublicTimeline {
  galaId: string;
  version: number;
  serverTime: EpochMs;
  phases: PublicPhase[];
}

export interface TimeResponse {
  serverTime: EpochMs;
}

// ---------------------------------------------------------------- shaking

export interface ShakeRequest {
  /** Client-chosen id; a retry with the same id gets the same answer. */
  requestId: string;
}

/** Graded overload hint the client must obey before its next shake. */
export interface ThrottleHint {
  /** 0 = normal; higher levels ask for longer spacing. */
  level: number;
  /** Wait at least this long before the next shake. */
  minIntervalMs: number;
}

export interface WonEnvelope {
  claimId: string;
  phaseId: string;
  sponsorId: string;
  assetId: string;
  amountCents: Cents;
}

export type ShakeOutcome =
  | { kind: "rest"; nextStartsAt: EpochMs | null }
  | { kind: "greeting"; phaseId: string; assetId: string }
  | { kind: "envelope"; envelope: WonEnvelope }
  | { kind: "busy"; retryAfterMs: number };

export type ShakeResponse = ShakeOutcome & {
  requestId: string;
  serverTime: EpochMs;
  throttle: ThrottleHint;
};

// ---------------------------------------------------------------- admin: pools and audit

export interface CreatePoolRequest {
  phaseId: string;
  sponsorId: string;
  budgetCents: Cents;
  count: number;
  minCents?: Cents;
  maxCents?: Cents;
}

export interface ShardLoad {
  shard: number;
  count: number;
  sumCents: Cents;
}

export interface PoolRecord {
  poolId: string;
  phaseId: string;
  sponsorId: string;
  budgetCents: Cents;
  count: number;
  minCents: Cents;
  maxCents: Cents | null;
  createdAt: EpochMs;
}

export interface CreatePoolResponse {
  pool: PoolRecord;
  shards: ShardLoad[];
}

/** One pool's figures as one shard sees them. */
export interface ShardPoolFigures {
  poolId: string;
  loadedCount: number;
  loadedCents: Cents;
  remainingCount: number;
  remainingCents: Cents;
  claimedCount: number;
  claimedCents: Cents;
}

export interface ShardFigures {
  shard: number;
  pools: ShardPoolFigures[];
  /** Largest number of envelopes one user holds in this gala (exact: a user lives on one shard). */
  maxClaimsPerUser: number;
  /** Largest number of envelopes one user holds from a single sponsor. */
  maxClaimsPerUserSponsor: number;
  /** Envelopes recorded as claimed more than once (always 0 unless something is broken). */
  duplicateEnvelopeClaims: number;
}

export interface PoolAudit {
  poolId: string;
  phaseId: string;
  sponsorId: string;
  budgetCents: Cents;
  remainingCents: Cents;
  claimedCents: Cents;
  remainingCount: number;
  claimedCount: number;
  /** Cents that arrived from other pools (leftovers) or shards, and that left. */
  movedInCents: Cents;
  movedOutCents: Cents;
  balanced: boolean;
}

export interface AuditReport {
  galaId: string;
  balanced: boolean;
  pools: PoolAudit[];
  maxClaimsPerUser: number;
  maxClaimsPerUserSponsor: number;
  duplicateEnvelopeClaims: number;
  /** Leftover cents returned to sponsors' unallocated budgets. */
  returnedCents: Cents;
  /** Cents taken by interrupted moves and not landed yet (retried by the show clock). */
  inTransitCents: Cents;
}

// ---------------------------------------------------------------- worker <-> pool shard RPC

export interface ShardPoolLoad {
  poolId: string;
  phaseId: string;
  sponsorId: string;
  shard: number;
  amounts: Cents[];
}

export interface ShardClaimRequest {
  userId: string;
  requestId: string;
  phaseId: string;
}

export interface ShardClaim {
  claimId: string;
  phaseId: string;
  sponsorId: string;
  amountCents: Cents;
}

export type ShardClaimResult =
  | { status: "won"; claim: ShardClaim }
  | { status: "none"; reason: "empty" | "limit" | "closed" };

// ---------------------------------------------------------------- live show control (issue 3)

/** `PATCH /api/admin/timeline/phases/:phaseId`: the fields to change in one phase. */
export type PhasePatch = Partial<Omit<Phase, "id">>;

/** One edit of the running order, applied atomically by the timeline object. */
export type TimelineEdit =
  | { kind: "replace"; timeline: Omit<Timeline, "version"> }
  | { kind: "patch"; phaseId: string; patch: PhasePatch }
  | { kind: "remove"; phaseId: string }
  | { kind: "start"; phaseId: string }
  | { kind: "stop"; phaseId: string };

/** Answer of every successful timeline edit. */
export interface TimelineEditResponse {
  timeline: Timeline;
  /** Things the operator should know, e.g. a lottery phase that has no pools yet. */
  warnings: string[];
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

/** One shard's side of one move. */
export interface ShardMoveFigures {
  moveId: string;
  poolId: string;
  outCount: number;
  outCents: Cents;
  inCount: number;
  inCents: Cents;
}

/** Shard figures plus its move ledger, read in one transaction. */
export interface ShardLedger extends ShardFigures {
  moves: ShardMoveFigures[];
}

/** Envelopes a shard handed over for a move (the same list on every retry). */
export interface ShardTake {
  shard: number;
  amounts: Cents[];
}

/** `GET /api/admin/verify`: per pool and per shard, the merge verification. */
export interface ShardPoolVerification {
  shard: number;
  loadedCents: Cents;
  claimedCents: Cents;
  remainingCents: Cents;
  movedInCents: Cents;
  movedOutCents: Cents;
  loadedCount: number;
  claimedCount: number;
  remainingCount: number;
  /** loaded + moved in = claimed + remaining + moved out on this shard. */
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
  movedInCents: Cents;
  movedOutCents: Cents;
  /** Every shard passes, and budget + moved in = claimed + remaining + moved out. */
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
}

export interface StatsReport {
  galaId: string;
  version: number;
  serverTime: EpochMs;
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

/** Shakes an edge isolate counted for one phase and shard in one time bucket. */
export interface ShakeCount {
  phaseId: string;
  bucket: EpochMs;
  shakes: number;
  candidates: number;
}

/** A shard's part of a move's destination: envelopes received into `poolId`. */
export interface ShardReceive {
  moveId: string;
  poolId: string;
  phaseId: string;
  sponsorId: string;
  amounts: Cents[];
}
