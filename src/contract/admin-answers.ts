/**
 * Answer schemas of the operator API: timeline edits, pools, verification, statistics, the
 * show clock, the audits and settlement operations. Checked against the wire types like the
 * viewer's (./viewer-answers.ts); the OpenAPI document is generated from both.
 */
import { z } from "zod";
import type {
  AdminLogResponse,
  AlertsResponse,
  AuditReport,
  CostEstimate,
  CreatePoolResponse,
  DeadLettersResponse,
  EnqueueReport,
  OperatorInfo,
  PoolRecord,
  ShardLoad,
  StatsReport,
  RepairReport,
  TickReport,
  StoredTimeline,
  Timeline,
  TimelineEditResponse,
  VerificationReport,
} from "../wire/index";
import { timelineBody } from "../schemas";
import { amount, counts, epoch, money, text } from "./viewer-answers";

export const operatorAnswer = z.object({ operator: text.nullable() }).strict() satisfies z.ZodType<OperatorInfo>;

export const timelineDoc = timelineBody.extend({ version: amount }).strict() satisfies z.ZodType<Timeline>;

const timelineWarnings = z
  .array(text)
  .describe(
    "Things the operator should know before the show: a lottery phase with no pools yet, and, when the timeline names its `audience`, " +
      "a phase whose envelopes (of one sponsor, or in all) outnumber the expected viewers who may still take one (1 per sponsor, 3 per person per gala, " +
      "counting the envelopes planned in earlier phases): its plan cannot hold however it is paced.",
  );

export const storedTimelineAnswer = z
  .object({ timeline: timelineDoc.nullable(), warnings: timelineWarnings })
  .strict() satisfies z.ZodType<StoredTimeline>;

export const timelineEditAnswer = z
  .object({ timeline: timelineDoc, warnings: timelineWarnings })
  .strict() satisfies z.ZodType<TimelineEditResponse>;

export const tickAnswer = z
  .object({
    at: epoch,
    armedShards: amount,
    armFailures: amount,
    reloadedPools: z.array(text),
    closedPhases: z.array(text),
    movesCompleted: z.array(text),
    movesPending: z.array(text),
    unfundedPhases: z.array(text),
    nextAlarmAt: epoch.nullable(),
  })
  .strict() satisfies z.ZodType<TickReport>;

export const stopPhaseAnswer = timelineEditAnswer.extend({ tick: tickAnswer }).strict();

const shardLoad = z.object({ shard: amount, count: amount, sumCents: amount }).strict() satisfies z.ZodType<ShardLoad>;

const poolRecord = z
  .object({
    poolId: text,
    phaseId: text,
    sponsorId: text,
    budgetCents: amount,
    count: amount,
    minCents: amount,
    maxCents: amount.nullable(),
    createdAt: epoch,
    split: z.object({ amountCents: amount, count: amount }).strict().optional(),
  })
  .strict() satisfies z.ZodType<PoolRecord>;

export const createPoolAnswer = z.object({ pool: poolRecord, shards: z.array(shardLoad) }).strict() satisfies z.ZodType<CreatePoolResponse>;

export const poolsAnswer = z.object({ pools: z.array(poolRecord) }).strict();

export const poolLoadAnswer = z.object({ shards: z.array(shardLoad) }).strict();

const shardBook = {
  loadedCents: amount,
  claimedCents: amount,
  remainingCents: amount,
  leasedCents: amount,
  movedInCents: amount,
  movedOutCents: amount,
};

export const verificationAnswer = z
  .object({
    galaId: text,
    phaseId: text.nullable(),
    pass: z.boolean(),
    pools: z.array(
      z
        .object({
          poolId: text,
          phaseId: text,
          sponsorId: text,
          budgetCents: amount,
          ...shardBook,
          pass: z.boolean(),
          shards: z.array(
            z
              .object({
                shard: amount,
                ...shardBook,
                loadedCount: amount,
                claimedCount: amount,
                remainingCount: amount,
                leasedCount: amount,
                mergedInCents: amount,
                mergedOutCents: amount,
                pass: z.boolean(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
    moves: z.array(
      z
        .object({
          moveId: text,
          kind: z.enum(["leftover", "rebalance"]),
          fromPoolId: text,
          toPoolId: text.nullable(),
          state: z.enum(["planned", "done"]),
          takenCents: amount,
          landedCents: amount,
          inTransitCents: amount,
          pass: z.boolean(),
        })
        .strict(),
    ),
    returnedCents: z.record(z.string(), amount),
    inTransitCents: amount,
  })
  .strict() satisfies z.ZodType<VerificationReport>;

const statsFigures = {
  shakesSeen: amount,
  candidates: amount,
  envelopesIssued: amount,
  issuedCents: amount,
  remainingCount: amount,
  remainingCents: amount,
  shakeRate: z.number().min(0),
};

export const statsAnswer = z
  .object({
    galaId: text,
    version: amount,
    serverTime: epoch,
    issuancePacing: z.boolean(),
    phases: z.array(
      z
        .object({
          phaseId: text,
          title: text,
          kind: z.enum(["greeting", "lottery"]),
          startsAt: epoch,
          endsAt: epoch,
          state: z.enum(["upcoming", "live", "ended", "closed"]),
          unfunded: z.boolean(),
          totals: z.object(statsFigures).strict(),
          shards: z.array(z.object({ shard: amount, ...statsFigures }).strict()),
          pools: z
            .array(
              z
                .object({
                  poolId: text,
                  sponsorId: text,
                  envelopes: amount,
                  issued: amount,
                  planned: amount,
                  aheadOfPlan: z.number().int().describe("issued − planned: ahead of its plan when positive, behind when negative"),
                  pacedShards: amount.describe("Shards holding the pool back now: stock left and its issuance allowance reached"),
                })
                .strict(),
            )
            .describe(
              "Each pool of the phase against its plan: its envelopes spread evenly over the phase (issued counts claimed and lent)",
            ),
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<StatsReport>;

const pendingClaim = z
  .object({
    claimId: text,
    userId: text,
    poolId: text,
    phaseId: text,
    sponsorId: text,
    amountCents: amount,
    claimedAt: epoch,
    shard: amount,
    openedAt: epoch.nullable(),
    enqueuedAt: epoch.nullable(),
    deadAt: epoch.nullable(),
  })
  .strict();

const poolAudit = z
  .object({
    poolId: text,
    phaseId: text,
    sponsorId: text,
    budgetCents: amount,
    remainingCents: amount,
    claimedCents: amount,
    remainingCount: amount,
    claimedCount: amount,
    leasedCents: amount,
    movedInCents: amount,
    movedOutCents: amount,
    balanced: z.boolean(),
  })
  .strict();

const settlementAudit = z
  .object({
    balanced: z.boolean(),
    stuckAfterMs: amount,
    pools: z.array(
      z
        .object({
          poolId: text,
          claimedCents: amount,
          settledCents: amount,
          pendingCents: money,
          settledCount: amount,
          pendingCount: money,
          balanced: z.boolean(),
        })
        .strict(),
    ),
    unknownLedgerCents: amount,
    stuck: z.array(pendingClaim),
  })
  .strict();

const groupsAudit = z
  .object({
    balanced: z.boolean(),
    envelopes: z.array(
      z
        .object({
          groupId: text,
          funding: z.enum(["wallet", "seed"]),
          status: z.enum(["pending", "created", "cancelled"]),
          amountCents: amount,
          fundedCents: amount,
          cancelledCents: amount,
          grabbedCents: amount,
          refundedCents: amount,
          openCents: money,
          settledCents: amount,
          pendingCents: money,
          balanced: z.boolean(),
          problem: text.nullable(),
        })
        .strict(),
    ),
    stuckCreations: z.array(text),
    settled: z.array(
      z
        .object({
          funding: z.enum(["wallet", "seed"]),
          envelopes: amount,
          amountCents: amount,
          fundedCents: amount,
          cancelledCents: amount,
          grabbedCents: amount,
          refundedCents: amount,
        })
        .strict(),
    ),
    settledProblem: z.object({ problem: text, cents: amount }).strict().nullable(),
  })
  .strict();

const auditProblem = z.object({ place: text, problem: text, cents: money }).strict();

const deepCheckTimes = { sliceMs: z.number().nonnegative(), maxSliceMs: z.number().nonnegative(), startedAt: epoch, finishedAt: epoch };
const deepCheckRun = z.object({ rows: amount, entities: amount, slices: amount, ...deepCheckTimes }).strict();
const deepCheckReport = z
  .object({ source: text, findings: z.array(auditProblem), lastRun: deepCheckRun.nullable(), reportedAt: epoch })
  .strict();

export const auditAnswer = z
  .object({
    galaId: text,
    balanced: z.boolean(),
    problems: z.array(auditProblem),
    pools: z.array(poolAudit),
    maxClaimsPerUser: amount,
    maxClaimsPerUserSponsor: amount,
    duplicateEnvelopeClaims: amount,
    returnedCents: amount,
    inTransitCents: amount,
    settlement: settlementAudit,
    leases: counts("calls", "mergeCalls", "merging", "recorded", "voided", "outstandingCount", "outstandingCents"),
    groups: groupsAudit,
    deepChecks: z.array(deepCheckReport),
  })
  .strict() satisfies z.ZodType<AuditReport>;

export const repairAnswer = z
  .object({
    at: epoch,
    olderThanMs: amount,
    settlement: z.object({ swept: amount, resent: amount }).strict(),
    groups: z.object({ creationsSettled: amount, refunded: amount, resent: amount, unreachable: amount, retired: amount }).strict(),
    wallets: amount,
    tick: tickAnswer,
  })
  .strict() satisfies z.ZodType<RepairReport>;

export const deadLettersAnswer = z.object({ deadLetters: z.array(pendingClaim) }).strict() satisfies z.ZodType<DeadLettersResponse>;

export const enqueueAnswer = z.object({ enqueued: amount }).strict() satisfies z.ZodType<EnqueueReport>;

export const alertsAnswer = z
  .object({
    at: epoch,
    alerts: z.array(
      z
        .object({
          kind: z.enum(["settlement_stuck", "dead_letters", "shard_near_ceiling", "pool_will_not_drain", "audit_failing"]),
          severity: z.enum(["warning", "critical"]),
          message: text,
          phaseId: text.nullable(),
          shard: amount.nullable(),
          count: amount,
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<AlertsResponse>;

export const adminLogAnswer = z
  .object({
    entries: z.array(
      z.object({ seq: amount, at: epoch, who: text, action: text, detail: text, status: amount, timelineVersion: amount }).strict(),
    ),
  })
  .strict() satisfies z.ZodType<AdminLogResponse>;

const quantity = z.number().min(0);

export const estimateAnswer = z
  .object({
    show: z
      .object({
        viewers: amount,
        lotteryPhases: amount,
        lotteryPhaseSeconds: quantity,
        showHours: quantity,
        envelopes: amount,
        peakShakesPerSecond: quantity,
        peakEnvelopesPerSecond: quantity,
      })
      .strict(),
    plan: z
      .object({
        shardsNeeded: amount,
        shardsConfigured: amount,
        perShardRequestsPerSecond: quantity,
        perShardLoad: quantity,
        ledgerPartitionsNeeded: amount,
        ledgerPartitionsConfigured: amount,
        settlementMessagesPerSecond: quantity,
        liveReadsPerSecond: quantity,
        livePropagationMs: quantity,
      })
      .strict(),
    bill: z
      .object({
        totalUsd: quantity,
        fixedUsd: quantity,
        historyRescansUsd: quantity,
        items: z.array(z.object({ item: text, usd: quantity, share: quantity }).strict()),
      })
      .strict(),
  })
  .strict() satisfies z.ZodType<CostEstimate>;
