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
  /** Money in motion: claimed = settled + pending per pool (see SettlementAudit). */
  settlement: SettlementAudit;
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

// ---------------------------------------------------------------- open and settle

/** `POST /api/envelopes/:claimId/open`: the same answer however often it is asked. */
export interface OpenResponse {
  envelope: WonEnvelope;
  /** When the claim was first opened. */
  openedAt: EpochMs;
}

/** A claim as its shard knows it, which is all a settlement needs. */
export interface SettlementClaim {
  claimId: string;
  userId: string;
  poolId: string;
  phaseId: string;
  sponsorId: string;
  amountCents: Cents;
  claimedAt: EpochMs;
}

/** Body of a message on the settlement queue; `shard` is the claim's home shard. */
export type SettlementMessage = { kind: "claim"; shard: number; claim: SettlementClaim };

export type WalletEntryStatus = "settled" | "pending";

export interface WalletEntry {
  /** The ledger row's idempotency key (`claim:<claimId>` for a won envelope). */
  entryId: string;
  kind: string;
  status: WalletEntryStatus;
  /** Signed: credits are positive, debits negative. */
  amountCents: Cents;
  claimId: string | null;
  sponsorId: string | null;
  phaseId: string | null;
  /** When the row was written (settled) or the envelope was won (pending). */
  at: EpochMs;
}

/** `GET /api/wallet`: `balanceCents` is settled money only; pending is on its way. */
export interface WalletResponse {
  userId: string;
  balanceCents: Cents;
  pendingCents: Cents;
  entries: WalletEntry[];
}

/** A claim whose money has not reached the ledger yet, with its settlement history. */
export interface PendingClaim extends SettlementClaim {
  shard: number;
  openedAt: EpochMs | null;
  enqueuedAt: EpochMs | null;
  /** Set when the message ended in the dead-letter queue; cleared by a requeue. */
  deadAt: EpochMs | null;
}

/** One claim of a user with its settlement state, from the user's shard. */
export interface ShardUserClaim extends SettlementClaim {
  openedAt: EpochMs | null;
  settledAt: EpochMs | null;
}

/** What a shard reports about money in motion, for the settlement audit. */
export interface ShardSettlementFigures {
  shard: number;
  /** Per pool: claims not yet confirmed settled by the consumer. */
  unconfirmed: { poolId: string; count: number; cents: Cents }[];
  /** Enqueued, unconfirmed claims, oldest first (capped): in flight, or stuck. */
  inFlight: PendingClaim[];
  /** Never-enqueued claims of phases that ended before the stuck threshold (capped). */
  stranded: PendingClaim[];
}

export interface PoolSettlement {
  poolId: string;
  claimedCents: Cents;
  settledCents: Cents;
  pendingCents: Cents;
  settledCount: number;
  pendingCount: number;
  /** claimed = settled + pending, to the cent and in count. */
  balanced: boolean;
}

export interface SettlementAudit {
  balanced: boolean;
  stuckAfterMs: number;
  pools: PoolSettlement[];
  /** Ledger rows naming a claim that no shard holds (always empty unless something is broken). */
  unknownLedgerCents: Cents;
  /** Claims pending longer than `stuckAfterMs` (dead letters included). */
  stuck: PendingClaim[];
}

/** `GET /api/admin/settlements`: dead letters waiting for a requeue. */
export interface DeadLettersResponse {
  deadLetters: PendingClaim[];
}

/** `POST /api/admin/settlements/requeue` and the phase-close sweep. */
export interface EnqueueReport {
  enqueued: number;
}

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
