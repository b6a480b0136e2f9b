/**
 * The operator API: pools, the merge audit and the settlement audit.
 */
import type { Cents, EpochMs, SettlementClaim } from "./api";
import type { GroupFunding } from "./groups";
import type { TickReport } from "./live-show";

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

export interface PoolAudit {
  poolId: string;
  phaseId: string;
  sponsorId: string;
  budgetCents: Cents;
  remainingCents: Cents;
  claimedCents: Cents;
  remainingCount: number;
  claimedCount: number;
  /** Lent to edge leases and not reported yet ("leased, unreported"). */
  leasedCents: Cents;
  /** Cents that arrived from other pools (leftovers) or shards, and that left. */
  movedInCents: Cents;
  movedOutCents: Cents;
  balanced: boolean;
}

/** One place where money is not where it belongs; the audit is balanced only when there is none. */
export interface AuditProblem {
  /** `pool:<id>`, `move:<id>`, `claim:<id>`, `settlement:<poolId>`, `group:<id>`, `wallet:<userId>`, `ledger`, `limits`, `envelopes`, `shards`. */
  place: string;
  problem: string;
  /** Cents concerned (0 when the problem is not an amount, e.g. a limit). */
  cents: Cents;
}

export interface AuditReport {
  galaId: string;
  /** True only when `problems` is empty. */
  balanced: boolean;
  problems: AuditProblem[];
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
  /** Edge leases, summed over shards (docs/money-flow.md). */
  leases: LeasesAudit;
  /** Group envelopes: amount = grabbed + refunded + still open, and the ledger agrees. */
  groups: GroupsAudit;
  /** The deep checks' latest report per object (their findings are among `problems`): how recently each one's rows were all read. */
  deepChecks: DeepCheckReport[];
}

/**
 * What one object's deep check (rows verified against the totals in bounded slices) reports to
 * the show clock, where the audit and the alerts read it: the findings of its last finished run
 * and of the run under way, each naming its place.
 */
export interface DeepCheckReport {
  /** The object checked, e.g. `ledger-3`. */
  source: string;
  findings: AuditProblem[];
  /**
   * The last finished run: rows and entities checked, slices, their summed and longest time on
   * the object's clock (ms), and when it ran; null before the first.
   */
  lastRun: {
    rows: number;
    entities: number;
    slices: number;
    sliceMs: number;
    maxSliceMs: number;
    startedAt: EpochMs;
    finishedAt: EpochMs;
  } | null;
  reportedAt: EpochMs;
}

export interface LeasesAudit {
  /** Calls from edge isolates to shards for leases (each may report, hand back and lease). */
  calls: number;
  /** Calls from lease shards to home shards merging leased claims in batches. */
  mergeCalls: number;
  /** Reported claims waiting at their lease shard for their home shard's answer (their envelopes count as outstanding). */
  merging: number;
  /** Leased claims recorded, and voided (a broken limit, a repeated request id, too late). */
  recorded: number;
  voided: number;
  /** Envelopes lent and not reported yet ("leased, unreported"), and their cents. */
  outstandingCount: number;
  outstandingCents: Cents;
}

/** A claim whose money has not reached the ledger yet, with its settlement history. */
export interface PendingClaim extends SettlementClaim {
  shard: number;
  openedAt: EpochMs | null;
  enqueuedAt: EpochMs | null;
  /** Set when the message ended in the dead-letter queue; cleared by a requeue. */
  deadAt: EpochMs | null;
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

/** `POST /api/admin/repair` (also run by the minute cron): what each repair did. */
export interface RepairReport {
  at: EpochMs;
  /** Anything pending longer than this was repaired. */
  olderThanMs: number;
  settlement: {
    /** Unsettled claims of ended or closed phases that were never enqueued, now enqueued. */
    swept: number;
    /** Claims enqueued (or dead-lettered) longer than the bound ago and still unsettled, sent again. */
    resent: number;
  };
  groups: {
    /** Registrations whose object never came: refunded (object refused for good) or completed. */
    creationsSettled: number;
    /** Expired envelopes whose refund had not run, refunded now. */
    refunded: number;
    /** Group credits waiting for the ledger's confirmation longer than the bound, sent again. */
    resent: number;
    /** Envelopes that could not be reached (tried again on the next run). */
    unreachable: number;
    /** Envelopes refunded or emptied with nothing owed, marked settled now (never visited again). */
    retired: number;
  };
  /** Wallets whose balance differed from their ledger rows, recomputed from them. */
  wallets: number;
  /** The show clock's run (closes, re-closes of phases holding stock, pool reloads). */
  tick: TickReport;
}

/** `GET /api/admin/settlements`: dead letters waiting for a requeue. */
export interface DeadLettersResponse {
  deadLetters: PendingClaim[];
}

/** `POST /api/admin/settlements/requeue` and the phase-close sweep. */
export interface EnqueueReport {
  enqueued: number;
}

/** Optional split budget on a sponsor pool: each winner may share this many packets worth this much. */
export interface PoolSplitBudget {
  amountCents: Cents;
  count: number;
}

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
  /** Why it does not balance; null when it does. */
  problem: string | null;
}

/**
 * The final figures of settled group envelopes (refunded or emptied with nothing owed, or
 * cancelled with the debit given back or refused), folded per funding as each was settled.
 */
export interface SettledGroupTotals {
  funding: GroupFunding;
  envelopes: number;
  amountCents: Cents;
  fundedCents: Cents;
  cancelledCents: Cents;
  grabbedCents: Cents;
  refundedCents: Cents;
}

export interface GroupsAudit {
  balanced: boolean;
  /** The envelopes not settled yet (settled ones are checked through `settled`, never visited again). */
  envelopes: GroupAuditRow[];
  settled: SettledGroupTotals[];
  /** Why the ledger's money of settled envelopes differs from their totals; null when it agrees. */
  settledProblem: { problem: string; cents: Cents } | null;
  /** Registrations still waiting for their object after the stuck threshold (retry the creation). */
  stuckCreations: string[];
}

/** One operator change, as the append-only admin log keeps it. */
export interface AdminLogEntry {
  /** Position in the log, from 1. */
  seq: number;
  at: EpochMs;
  /** `access:<email>` for an operator signed in through Cloudflare Access, or the break-glass secret. */
  who: string;
  /** Method and path, e.g. `POST /api/admin/pools`. */
  action: string;
  /** The start of the request body (ids and amounts), at most 300 characters. */
  detail: string;
  status: number;
  /** The timeline's version right after the change. */
  timelineVersion: number;
}

export interface AdminLogResponse {
  entries: AdminLogEntry[];
}

/** `GET /api/operator`: who the console's operator is, asked before any admin call; null when not signed in. */
export interface OperatorInfo {
  operator: string | null;
}

/**
 * `/rehearsal/latest.json`: the summary `npm run rehearsal` writes beside its report's copy in
 * static-assets/rehearsal/ (git-ignored), which the operator console links to.
 */
export interface LatestRehearsal {
  startedAt: string;
  passed: boolean;
  findings: number;
  /** Path of the report's copy: `/rehearsal/latest.html`. */
  report: string;
}

/**
 * `GET /api/admin/estimate?viewers=`: the capacity plan and the night's estimated bill for
 * the stored show, from its timeline and pools and the audience the operator expects
 * (load/capacity, the model `npm run capacity` prints; docs/capacity.md).
 */
export interface CostEstimate {
  /** What the estimate took from the timeline, its pools and the audience. */
  show: {
    viewers: number;
    lotteryPhases: number;
    lotteryPhaseSeconds: number;
    showHours: number;
    envelopes: number;
    peakShakesPerSecond: number;
    peakEnvelopesPerSecond: number;
  };
  plan: {
    shardsNeeded: number;
    shardsConfigured: number;
    perShardRequestsPerSecond: number;
    /** Share of the per-object limit each configured shard uses at the peak. */
    perShardLoad: number;
    ledgerPartitionsNeeded: number;
    ledgerPartitionsConfigured: number;
    settlementMessagesPerSecond: number;
    /** Reads of the published timeline per second at the peak, all answered by Cloudflare's cache. */
    liveReadsPerSecond: number;
    /** The longest an edit takes to reach an idle page (promise: 10 s). */
    livePropagationMs: number;
  };
  bill: {
    totalUsd: number;
    /** The plan, the minute cron and the operators' own work, whatever the audience. */
    fixedUsd: number;
    /** What the audit and repairs cost by rescanning everything the night wrote. */
    historyRescansUsd: number;
    items: { item: string; usd: number; share: number }[];
  };
}
