/**
 * What the edge-lease scenarios need beyond a shake scenario (issue 16, docs/performance.md).
 *
 * In an `edge-leases` phase an isolate leases a block of envelopes from its lease shard
 * (picked for the isolate, docs/money-flow.md "Lease shards") with one `leaseExchange` call
 * (the same call reports the claims issued from its previous lease and hands back envelopes it
 * will not issue) and answers candidates from the lease with no call; a candidate that finds
 * its lease empty falls back to a shard claim. The lease shard merges the reported claims of
 * other homes into them in batches (one `mergeClaims` call per home per flush). So a shard
 * call is a lease exchange, a merge call or a fallback claim, and over the measured seconds,
 * from the audit alone:
 *
 *   fallback claims         = envelopes claimed - leased claims recorded
 *   envelopes per shard call = envelopes claimed / (lease calls + merge calls + fallback claims)
 *
 * (Presentations are shard calls too; the bench makes them only after the load, below.)
 *
 * Leased claims are recorded when an isolate reports them: 64 at once, or LEASE_REPORT_MS
 * after the oldest, from the next shake the isolate answers (src/domain/lease-terms.ts). So
 * after the load the bench keeps one viewer shaking (every `ctx.pollMs`), as an honest client
 * (with its holdings: once at the per-person limit its shakes win nothing more), until every
 * envelope a viewer was answered is recorded, and only then judges the money: balanced by the
 * audit, and envelopes answered <= claims recorded <= answered + requests whose answer the
 * driver never read (in flight when a timed pass stopped: the server may have won them an
 * envelope) + those of an earlier lease scenario not recorded by the end of its wait.
 *
 * A viewer whose answer was lost that way shakes on with holdings that lack that win, as a
 * phone whose answer got lost would, and the shard may void a later win of theirs (a broken
 * limit). The bench presents those viewers' later signed claims (`POST /api/envelopes/present`)
 * to learn the reasons, and counts the voids no such viewer explains: an honest client whose
 * answers all arrived must never be voided.
 */
import { callJson } from "./http.mjs";

/** Envelopes a lease scenario may take per second from one shard (all users may live on one). */
const LEASE_WINS_PER_SECOND_BUDGET = 6_000;
/** How long the bench waits for the isolates' reports after the load: LEASE_REPORT_MS (20 s) and a merge flush (7.5 s at the deployed horizon) with room. */
const REPORT_WAIT_MS = 45_000;

export const leaseWinsPerShard = (ctx) => LEASE_WINS_PER_SECOND_BUDGET * ctx.secondsPerRun;

const claimedCount = (audit) => audit.pools.reduce((n, p) => n + p.claimedCount, 0);
/** Lease exchanges and merge calls so far, and leased claims recorded (claims beyond them were fallback shard claims). */
const shardCallsOf = (audit) => ({
  exchanges: audit.leases?.calls ?? 0,
  merges: audit.leases?.mergeCalls ?? 0,
  recorded: audit.leases?.recorded ?? 0,
});
/**
 * Fallback shard claims among `claimed` envelopes: those not recorded as leased claims. A leased
 * claim recorded and then displaced (a viewer whose answer was lost) counts among the recorded
 * but not the claimed, so the difference is floored at 0.
 */
const fallbacks = (claimed, leasedRecorded) => Math.max(0, claimed - leasedRecorded);

/**
 * Puts the edge-lease phase live with enough envelopes on every shard (loaded once), and
 * notes the claims recorded so far: every envelope answered from here on must be recorded.
 */
export async function stockLeases(ctx, sponsors) {
  await ctx.admin.goLive("leases");
  ctx.leasePools ??= ctx.admin.createPools("leases", Math.ceil((leaseWinsPerShard(ctx) * ctx.shardCount) / sponsors));
  await ctx.leasePools;
  const audit = await ctx.admin.audit();
  ctx.leaseClaimedBefore = claimedCount(audit);
  ctx.leaseVoidedBefore = audit.leases?.voided ?? 0;
  ctx.leaseCallsBefore = shardCallsOf(audit);
}

/** Presents the later claims of viewers whose answer was lost: how many came back voided, by reason. */
async function voidsAfterLostAnswers(ctx, { tokens, claims }) {
  const reasons = {};
  let presented = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (claims[i].length === 0) continue;
    presented += claims[i].length;
    const { body } = await callJson(ctx.appUrl, "POST", "/api/envelopes/present", tokens[i], { signedClaims: claims[i] });
    for (const r of body?.results ?? []) if (r.status === "voided") reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  }
  return { viewers: tokens.length, presented, voided: reasons };
}

/** Envelopes per shard call over the measured seconds, from the audit's deltas (see above). */
export function shardCallFigures(money) {
  const leases = money.leasesDuringRun;
  if (!leases) return { envelopesPerShardCall: null, note: "the audit counts no lease calls" };
  const fallbackClaims = fallbacks(money.claimedDuringRun, leases.recorded);
  const shardCalls = leases.calls + leases.mergeCalls + fallbackClaims;
  return {
    envelopesPerShardCall: shardCalls > 0 ? money.claimedDuringRun / shardCalls : null,
    shardCalls: {
      leaseExchanges: leases.calls,
      mergeCalls: leases.mergeCalls,
      fallbackClaims,
      leasedClaimsRecorded: leases.recorded,
      voided: leases.voided,
    },
  };
}

/**
 * The `watch` of a lease scenario: reads the audit every `ctx.pollMs` from the scenario's
 * first shake to the end of its measured pass; `stop()` answers the largest number of
 * envelopes out on lease at once (lent and not yet recorded at a home: unissued, issued and
 * unreported, or waiting for a merge) among the samples.
 */
export function watchLent(ctx) {
  let largest = 0;
  let samples = 0;
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      largest = Math.max(largest, (await ctx.admin.audit()).leases?.outstandingCount ?? 0);
      samples++;
      await new Promise((r) => setTimeout(r, ctx.pollMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await sampling;
      return { largestLent: { envelopes: largest, samples, everyMs: ctx.pollMs } };
    },
  };
}

/**
 * The `after` step of a lease scenario: its envelopes per shard call, then the wait for the
 * reports, and the money judged once every answered envelope is recorded (or the wait ended).
 */
export async function leaseFigures(ctx, { row, envelopesAnswered, unanswered, lostAnswers, urls }) {
  const figures = shardCallFigures(row.money);
  const started = Date.now();
  const [nudger] = await ctx.users({ count: 1 });
  let holdings = null;
  let answered = envelopesAnswered;
  let audit = await ctx.admin.audit();
  for (let i = 0; claimedCount(audit) - ctx.leaseClaimedBefore < answered && Date.now() - started < REPORT_WAIT_MS; i++) {
    // Every isolate sends its reports from a shake it answers.
    for (const [k, url] of urls.entries()) {
      const { body } = await callJson(
        url,
        "POST",
        `/api/shake/lease-nudge-${started}-${i}-${k}`,
        nudger,
        undefined,
        30_000,
        holdings ? { "x-gala-holdings": holdings } : {},
      );
      if (body?.kind === "envelope") {
        answered += 1;
        holdings = body.holdings ?? holdings;
      }
    }
    await new Promise((r) => setTimeout(r, ctx.pollMs));
    audit = await ctx.admin.audit();
  }
  const recorded = claimedCount(audit) - ctx.leaseClaimedBefore;
  // The whole scenario, from its first shake until its envelopes are recorded: no flush or report falls outside it.
  const [now, then] = [shardCallsOf(audit), ctx.leaseCallsBefore];
  const wholeCalls = {
    leaseExchanges: now.exchanges - then.exchanges,
    mergeCalls: now.merges - then.merges,
    fallbackClaims: fallbacks(recorded, now.recorded - then.recorded),
  };
  const shardCalls = wholeCalls.leaseExchanges + wholeCalls.mergeCalls + wholeCalls.fallbackClaims;
  const wholeScenario = {
    envelopesRecorded: recorded,
    shardCalls: wholeCalls,
    envelopesPerShardCall: shardCalls > 0 ? recorded / shardCalls : null,
  };
  // Wins of an earlier lease scenario's unread answers may be reported during this one.
  const carried = ctx.leaseUnreadWins ?? 0;
  const allRecorded = recorded >= answered && recorded <= answered + unanswered + carried;
  ctx.leaseUnreadWins = Math.max(0, answered + unanswered + carried - recorded);
  const afterLost = await voidsAfterLostAnswers(ctx, lostAnswers);
  const voided = (audit.leases?.voided ?? 0) - ctx.leaseVoidedBefore;
  const explained = Object.values(afterLost.voided).reduce((n, k) => n + k, 0);
  return {
    ...figures,
    wholeScenario,
    reports: { envelopesAnswered: answered, unanswered, recorded, waitedMs: Date.now() - started, leases: audit.leases ?? null },
    voids: { total: voided, afterLostAnswers: afterLost, unexplained: voided - explained },
    money: { ...row.money, balanced: audit.balanced && allRecorded, auditBalancedAfterReports: audit.balanced, allRecorded },
  };
}
