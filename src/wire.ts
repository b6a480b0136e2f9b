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
  /** Split budget each winner may share as a group envelope ("5 packets worth 8.88"); both or neither. */
  splitAmountCents?: Cents;
  splitCount?: number;
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
  /** Present when each won envelope of the pool carries a split budget. */
  split?: PoolSplitBudget;
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
  /** Money in motion: claimed = settled + pending per pool (see SettlementAudit). */
  settlement: SettlementAudit;
  /** Group envelopes: amount = grabbed + refunded + still open, and the ledger agrees. */
  groups: GroupsAudit;
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
  | { status: "none"; reason: "empty" | "limit" | "closed" | "paced" };

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
export type ClaimSettlementMessage = { kind: "claim"; shard: number; claim: SettlementClaim };
export type SettlementMessage = ClaimSettlementMessage | GroupSettlementMessage;

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

// ---------------------------------------------------------------- group envelopes (split packets)

/** Where a group envelope's money comes from: the sender's wallet or a won seed envelope's split budget. */
export type GroupFunding = "wallet" | "seed";

/** `POST /api/groups` funded from the sender's wallet. */
export interface CreateWalletGroupRequest {
  amountCents: Cents;
  count: number;
  greeting?: string;
  /** Default 24 h. */
  expiresInMs?: number;
  /** Optional: a retry with the same request id returns the same envelope and debits once. */
  requestId?: string;
}

/** `POST /api/groups` funded by the split budget of a seed envelope the caller won. */
export interface CreateSeedGroupRequest {
  fromClaimId: string;
  greeting?: string;
  expiresInMs?: number;
}

export interface CreateGroupResponse {
  id: string;
  /** Path the PWA opens to grab: `/g/<id>`. */
  shareUrl: string;
  funding: GroupFunding;
  amountCents: Cents;
  count: number;
  expiresAt: EpochMs;
}

export interface GrabGroupRequest {
  /** Client-chosen id; a retry with the same id gets the same answer. */
  requestId: string;
}

export type GrabOutcome =
  | { status: "grabbed"; amountCents: Cents }
  | { status: "already"; amountCents: Cents }
  | { status: "empty" }
  | { status: "expired" };

export type GrabGroupResponse = GrabOutcome & { groupId: string; requestId: string };

export interface GroupGrab {
  userId: string;
  amountCents: Cents;
  grabbedAt: EpochMs;
}

export type GroupState = "open" | "empty" | "expired" | "refunded";

/** `GET /api/groups/:id`. */
export interface GroupStatus {
  id: string;
  senderId: string;
  funding: GroupFunding;
  greeting: string;
  amountCents: Cents;
  count: number;
  grabbedCents: Cents;
  grabbedCount: number;
  remainingCents: Cents;
  remainingCount: number;
  /** What went back to the sender at expiry (0 until then). */
  refundedCents: Cents;
  state: GroupState;
  createdAt: EpochMs;
  expiresAt: EpochMs;
  grabs: GroupGrab[];
}

/** Optional split budget on a sponsor pool: each winner may share this many packets worth this much. */
export interface PoolSplitBudget {
  amountCents: Cents;
  count: number;
}

// ---------------------------------------------------------------- worker <-> group envelope RPC

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
  amountCents: Cents;
  count: number;
  grabbedCents: Cents;
  grabbedCount: number;
  refundedCents: Cents;
  /** Not grabbed and not yet refunded. */
  openCents: Cents;
  /** Credits recorded but not yet handed to the settlement queue. */
  outboxCents: Cents;
}

export type GroupCreateResult = { status: "created" | "existing"; spec: GroupSpec } | { status: "aborted" };

/** One group envelope in the audit: amount = grabbed + refunded + still open, and the ledger agrees. */
export interface GroupAuditRow {
  groupId: string;
  funding: GroupFunding;
  status: "pending" | "created" | "cancelled";
  amountCents: Cents;
  /** Taken from the sender's wallet (wallet funding) or the sponsor's split budget (seed). */
  fundedCents: Cents;
  /** Given back because the envelope could not be created. */
  cancelledCents: Cents;
  grabbedCents: Cents;
  refundedCents: Cents;
  openCents: Cents;
  /** Grabs and refund already credited in the ledger. */
  settledCents: Cents;
  /** Grabbed or refunded, on its way to the ledger. */
  pendingCents: Cents;
  balanced: boolean;
}

export interface GroupsAudit {
  balanced: boolean;
  envelopes: GroupAuditRow[];
  /** Registrations still waiting for their object after the stuck threshold (retry the creation). */
  stuckCreations: string[];
}

// ---------------------------------------------------------------- PWA resource packages

/** One pre-downloaded file; `bytes` is its exact size, for the progress bar. */
export interface ResourceFile {
  assetId: string;
  /** Versioned URL: a new version of a file gets a new URL. */
  url: string;
  bytes: number;
}

/** A versioned package (sponsors, greetings, animations); a new version replaces the old cache. */
export interface ResourcePackage {
  id: string;
  version: number;
  files: ResourceFile[];
}

/** `/resources/manifest.json`: every package the service worker keeps in Cache Storage. */
export interface ResourceManifest {
  packages: ResourcePackage[];
}

/** Service worker → page: pre-download progress. */
export interface ResourceProgress {
  type: "resources";
  state: "downloading" | "complete" | "interrupted";
  doneBytes: number;
  totalBytes: number;
  doneFiles: number;
  totalFiles: number;
}

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

