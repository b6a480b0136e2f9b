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
  balanced: boolean;
}

export interface AuditReport {
  galaId: string;
  balanced: boolean;
  pools: PoolAudit[];
  maxClaimsPerUser: number;
  maxClaimsPerUserSponsor: number;
  duplicateEnvelopeClaims: number;
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
  | { status: "none"; reason: "empty" | "limit" | "paced" };

// ---------------------------------------------------------------- overload protection

/** What a pool shard reports about its own load with every paced claim answer. */
export interface ShardLoadReport {
  /** Calls the shard received over its last second, from every edge isolate. */
  ratePerSec: number;
  /** How long this call waited between the edge sending it and the shard running it. */
  queueMs: number;
}

export interface PacedClaimRequest extends ShardClaimRequest {
  /** The phase's window for issuance pacing; null turns pacing off. */
  window: { startsAt: EpochMs; endsAt: EpochMs } | null;
  /** The edge's clock when it sent the call. */
  sentAt: EpochMs;
}

export interface PacedClaimAnswer {
  result: ShardClaimResult;
  load: ShardLoadReport;
}
