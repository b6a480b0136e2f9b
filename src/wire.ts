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

export type CreateGroupRequest = CreateWalletGroupRequest | CreateSeedGroupRequest;

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

