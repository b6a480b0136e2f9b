/**
 * Internal contracts: worker <-> Durable Object RPC and settlement queue messages.
 * Never imported by the PWA or the load scripts (they see only `./index`).
 */
import type { Cents, EpochMs, SettlementClaim } from "./api";
import type { PendingClaim, PoolRecord } from "./admin";
import type { GroupFunding } from "./groups";
import type { ShardPhaseStats } from "./live-show";

/** One pool's figures as one shard sees them. */
export interface ShardPoolFigures {
  poolId: string;
  loadedCount: number;
  loadedCents: Cents;
  remainingCount: number;
  remainingCents: Cents;
  /** Lent to edge leases and not reported yet (durable-objects/pool-shard/leases.ts). */
  leasedCount: number;
  leasedCents: Cents;
  claimedCount: number;
  claimedCents: Cents;
  /** Leased claims of other shards' loans recorded here (this shard is their home), and of this shard's loans recorded at other homes. */
  mergedInCount: number;
  mergedInCents: Cents;
  mergedOutCount: number;
  mergedOutCents: Cents;
  /** Claims opened by their winners (durable-objects/pool-shard/totals.ts). */
  opened: CountCents;
  /** Claims whose settlement the consumer confirmed (the ledger holds them). */
  settled: CountCents;
  /** Of those, settled without being opened (the phase-close sweep sent them). */
  swept: CountCents;
  /** Leased claims voided at their record (their envelopes back in stock, or already there). */
  voided: CountCents;
}

export interface CountCents {
  count: number;
  cents: Cents;
}

export interface ShardFigures {
  shard: number;
  pools: ShardPoolFigures[];
  /** Largest number of envelopes one user holds in one gala (exact: a user lives on one shard). */
  maxClaimsPerUser: number;
  /** Largest number of envelopes one user holds from a single sponsor in one gala. */
  maxClaimsPerUserSponsor: number;
  /** Envelopes recorded as claimed more than once, or in two places (always 0 unless something is broken). */
  duplicateEnvelopeClaims: number;
  /** Edge leases still holding envelopes. */
  leases: ShardLeaseFigures[];
  /** Lease calls received, leased claims recorded and voided, since the shard began. */
  leaseCounters: { calls: number; mergeCalls: number; recorded: number; voided: number };
  /** Reported claims of this shard's loans waiting for their home shard's answer (merges.ts). */
  merging: number;
}

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
  /** The phase's gala: the per-user limits count claims per gala. */
  galaId: string;
  /**
   * Sponsors of the user's envelopes in the gala as their signed holdings tell (edge-lease
   * phases): leased wins may not be recorded here yet, and count toward the limits too.
   */
  signedSponsorsHeld?: string[];
}

export interface ShardClaim {
  claimId: string;
  phaseId: string;
  sponsorId: string;
  amountCents: Cents;
}

export type ShardClaimResult =
  /** `sponsorsHeld`: the sponsor of every envelope the user holds in the gala, this one included. */
  { status: "won"; claim: ShardClaim; sponsorsHeld?: string[] } | { status: "none"; reason: "empty" | "limit" | "closed" | "paced" };

export type WonResult = Extract<ShardClaimResult, { status: "won" }>;

/** Whose request, and in which gala its limits count: what finds the earlier answer of a request id. */
export type UserRequest = Pick<ShardClaimRequest, "userId" | "requestId" | "galaId">;

/** Body of a message on the settlement queue: a batch of one shard's claims. */
export type ClaimSettlementMessage = { kind: "claims"; shard: number; claims: SettlementClaim[] };

export type SettlementMessage = ClaimSettlementMessage | GroupSettlementMessage;

/** A claim its owner opened: what the open answer shows, and whether its settlement was already on its way. */
export interface OpenedClaim {
  status: "opened";
  claim: SettlementClaim;
  openedAt: EpochMs;
  /** True when a settlement was already enqueued (or done) for this claim. */
  enqueued: boolean;
}

/**
 * What opening a claim on its shard did: opened it (or the claim that won its request id, when
 * this one was voided for it), found it voided, or refused an `invalid` presented claim for a
 * claim id the shard does not hold.
 */
export type OpenOutcome = OpenedClaim | { status: "voided"; reason: VoidReason } | { status: "invalid" };

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
  /** Opened, enqueued or dead-lettered, unconfirmed claims: all of them, read page by page (`InFlightPage`). */
  inFlight: PendingClaim[];
  /** Never-enqueued claims of phases that ended before the stuck threshold (capped). */
  stranded: PendingClaim[];
}

/**
 * Everything the operator's audit reads from one shard in one call: its books (from its
 * running totals) and its money in motion, with the first page of its in-flight claims
 * (`next` pages on through `inFlightPage` when a backlog is longer).
 */
export interface ShardAuditFigures {
  books: ShardBooks;
  motion: ShardSettlementFigures;
  next: string | null;
}

/** One page of a shard's enqueued (or dead-lettered), unconfirmed claims, by claim id. */
export interface InFlightPage {
  claims: PendingClaim[];
  /** Pass as `after` for the next page; null after the last one. */
  next: string | null;
}

/** What one group envelope's repair did. */
export interface GroupRepair {
  refunded: boolean;
  resent: number;
  /** The envelope's figures after the repair; null when there is no such envelope. */
  figures: GroupFigures | null;
}

export interface GroupSpec {
  groupId: string;
  senderId: string;
  funding: GroupFunding;
  amountCents: Cents;
  count: number;
  greeting: string;
  createdAt: EpochMs;
  expiresAt: EpochMs;
}

/** One ledger credit a group envelope owes: a grabbed share, or the refund to its sender. */
export interface GroupCredit {
  /** Ledger idempotency key: `group-grab:<groupId>:<userId>` or `group-refund:<groupId>`. */
  entryId: string;
  kind: "group-grab" | "group-refund";
  groupId: string;
  userId: string;
  amountCents: Cents;
}

/** A settlement queue message carrying group envelope credits (see SettlementMessage). */
export type GroupSettlementMessage = { kind: "group"; credits: GroupCredit[] };

/** What one group envelope object reports for the audit. */
export interface GroupFigures {
  groupId: string;
  funding: GroupFunding;
  amountCents: Cents;
  count: number;
  grabbedCents: Cents;
  grabbedCount: number;
  refundedCents: Cents;
  /** Not grabbed and not yet refunded. */
  openCents: Cents;
  expiresAt: EpochMs;
  /** Credits owed (grabs, the refund) that the ledger has not confirmed yet. */
  outboxCents: Cents;
  /** When the oldest of them was recorded; null when the outbox is empty. */
  oldestOwedAt: EpochMs | null;
}

export type GroupCreateResult = { status: "created" | "existing"; spec: GroupSpec } | { status: "aborted" };

/** One shard's side of one move. */
export interface ShardMoveFigures {
  moveId: string;
  poolId: string;
  outCount: number;
  outCents: Cents;
  inCount: number;
  inCents: Cents;
}

/** Shard figures plus its side of every move, read in one transaction. */
export interface ShardBooks extends ShardFigures {
  moves: ShardMoveFigures[];
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

/** A sponsor pool as the timeline's registry keeps it: its record and the seed of its split. */
export interface RegisteredPool {
  record: PoolRecord;
  seed: string;
}

/** One ledger credit; `entryId` is its idempotency key. */
export interface LedgerCredit {
  entryId: string;
  userId: string;
  kind: string;
  amountCents: Cents;
  claimId?: string;
  poolId?: string;
  phaseId?: string;
  sponsorId?: string;
  ref?: string;
}

export interface WalletDebit {
  /** Idempotency key of the debit, e.g. `group:<groupId>`; a replay returns the first answer. */
  entryId: string;
  userId: string;
  kind: string;
  amountCents: Cents;
  ref: string | null;
}

/** `refused`: the envelope this debit funds was cancelled before the debit came (nothing is taken). */
export type DebitResult = { status: "debited" | "insufficient" | "refused"; balanceCents: Cents };

// ------------------------------------------------------------------ edge leases (docs/money-flow.md)

/** One pre-split envelope an edge isolate holds under a lease. */
export interface LeasedEnvelope {
  envelopeId: string;
  poolId: string;
  sponsorId: string;
  amountCents: Cents;
}

/** A block of a phase's envelopes on one shard, lent to one isolate until `expiresAt`. */
export interface LeaseGrant {
  leaseId: string;
  phaseId: string;
  shard: number;
  expiresAt: EpochMs;
  envelopes: LeasedEnvelope[];
}

/**
 * A claim the edge answered from a lease, as it signs it: reported to its lease shard
 * (`shard`, which lent the envelope) by the isolate's report or the client's presentation,
 * whichever first, and recorded on the viewer's home shard (`homeShard`): at once when they are
 * one shard, else by the lease shard's merge (docs/money-flow.md, "Lease shards").
 */
export interface LeasedClaim {
  claimId: string;
  leaseId: string;
  /** The lease shard: the shard that lent the envelope. */
  shard: number;
  /** The viewer's home shard, where the claim is recorded and the limits are kept. */
  homeShard: number;
  envelopeId: string;
  poolId: string;
  sponsorId: string;
  amountCents: Cents;
  userId: string;
  requestId: string;
  phaseId: string;
  galaId: string;
  issuedAt: EpochMs;
}

/** Why the shard refused to record a leased claim (its envelope went back to the pool, if it still held it). */
export type VoidReason = "limit" | "request" | "expired" | "late";

/** `merging`: the lease shard took the claim in and merges it into the viewer's home shard with its next batch. */
export type RecordOutcome =
  | { claimId: string; status: "recorded" }
  | { claimId: string; status: "merging" }
  | { claimId: string; status: "voided"; reason: VoidReason };

/**
 * What a home shard answers for a claim of another shard's loan: recorded or voided as it
 * stands now; `envelopeAtHome` when the home took the envelope into its books (it recorded
 * the claim, even if a limit displaced it since: its envelope went back to the home's stock),
 * else the lease shard keeps it (voided at the merge: back in the lease shard's stock).
 */
export type MergeOutcome = Exclude<RecordOutcome, { status: "merging" }> & { envelopeAtHome: boolean };

/**
 * One call from an isolate to a shard: report the claims it issued, hand back envelopes it
 * will not issue (its lease ended), and ask for a new lease (`want` envelopes).
 */
export interface LeaseExchange {
  isolateId: string;
  claims: LeasedClaim[];
  /** Envelopes of a lease this isolate will not issue, by lease id. */
  unused: { leaseId: string; envelopeIds: string[] }[];
  want: LeaseWant | null;
  now: EpochMs;
}

/** A new lease an isolate asks for: up to `count` envelopes of the phase until `expiresAt`. */
export interface LeaseWant {
  phaseId: string;
  count: number;
  expiresAt: EpochMs;
  /** The phase's window for issuance pacing (no pool lent past its allowance); null turns pacing off. */
  window: { startsAt: EpochMs; endsAt: EpochMs } | null;
}

export interface LeaseExchangeAnswer {
  recorded: RecordOutcome[];
  lease: LeaseGrant | null;
}

/** A shard's leases that still hold envelopes, for the audit (leased, unreported). */
export interface ShardLeaseFigures {
  leaseId: string;
  phaseId: string;
  /** When the envelopes it still holds go back to the pool: no claim on them can be presented after. */
  returnAfter: EpochMs;
  count: number;
  cents: Cents;
}

/** One pool of a phase on one shard, as issuance pacing counts it (src/domain/pool-pace.ts). */
export interface ShardPoolPace {
  poolId: string;
  sponsorId: string;
  /** Envelopes claimed here or lent to edge leases and not reported yet. */
  issued: number;
  inStock: number;
}

/** A shard's statistics of one phase (`PoolShard.phaseStats`): the console's figures and each pool's pace. */
export interface ShardPhaseReport {
  stats: ShardPhaseStats;
  pools: ShardPoolPace[];
}
