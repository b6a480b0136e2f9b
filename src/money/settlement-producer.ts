/**
 * The producer side of settlement: puts claims on the settlement queue and records that on
 * their shards. Used by the open route (one claim), the phase-close sweep (every unopened
 * claim of ended phases) and the admin requeue of dead letters. Enqueuing twice is harmless:
 * the ledger credits a claim once.
 */
import { endedLotteryPhaseIds, settlementClaim } from "../domain/settlement";
import { allShards, shardStub, timelineStub } from "../objects";
import type { EnqueueReport, PendingClaim, SettlementClaim } from "../wire/index";
import type { SettlementMessage } from "../wire/rpc";

/** A queue's sendBatch limit. */
const SEND_BATCH = 100;

export async function enqueueClaims(env: Env, shard: number, claims: readonly SettlementClaim[], now: number): Promise<void> {
  for (let i = 0; i < claims.length; i += SEND_BATCH) {
    const page = claims.slice(i, i + SEND_BATCH);
    await env.SETTLEMENTS.sendBatch(
      page.map((claim) => ({ body: { kind: "claim", shard, claim: settlementClaim(claim) } satisfies SettlementMessage })),
    );
    await shardStub(env, shard).markEnqueued(
      page.map((c) => c.claimId),
      now,
    );
  }
}

/** Enqueues every page a shard hands out until it has none left (each page is marked enqueued). */
async function drain(env: Env, shard: number, now: number, page: () => Promise<PendingClaim[]>): Promise<number> {
  let total = 0;
  for (let claims = await page(); claims.length > 0; claims = await page()) {
    await enqueueClaims(env, shard, claims, now);
    total += claims.length;
  }
  return total;
}

async function acrossShards(env: Env, perShard: (shard: number) => Promise<number>): Promise<EnqueueReport> {
  const counts = await Promise.all(allShards(env).map(perShard));
  return { enqueued: counts.reduce((a, b) => a + b, 0) };
}

/**
 * Settles the unopened (and opened but never enqueued) claims of every lottery phase that has
 * ended by `now`, and of every phase the show clock closed (including a previous gala's
 * phases retired from the running order). Idempotent: claims already enqueued are skipped. Run by the cron trigger.
 */
export async function settleClosedPhases(env: Env, now: number): Promise<EnqueueReport> {
  const timeline = timelineStub(env);
  const [doc, closed] = await Promise.all([timeline.read(), timeline.closedPhaseIds()]);
  const phaseIds = [...new Set([...endedLotteryPhaseIds(doc, now), ...closed])];
  if (phaseIds.length === 0) return { enqueued: 0 };
  return acrossShards(env, (shard) => drain(env, shard, now, () => shardStub(env, shard).unenqueuedClaims(shard, phaseIds)));
}

/**
 * Sends again every claim whose message went out (or was dead-lettered) before `before` and
 * that has not settled: a message lost on the way (a crash, a dropped dead letter) or one
 * still failing. Harmless when the first one arrives after all: the ledger credits a claim
 * once. Each resent claim is marked enqueued now, so it is not resent again before the bound.
 */
export async function resendStale(env: Env, now: number, before: number): Promise<EnqueueReport> {
  return acrossShards(env, (shard) => drain(env, shard, now, () => shardStub(env, shard).staleClaims(shard, before)));
}

/** Puts every dead-lettered claim back on the queue (after the ledger has recovered). */
export async function requeueDeadLetters(env: Env, now: number): Promise<EnqueueReport> {
  return acrossShards(env, (shard) => drain(env, shard, now, () => shardStub(env, shard).deadClaims(shard)));
}

export async function listDeadLetters(env: Env): Promise<PendingClaim[]> {
  const perShard = await Promise.all(allShards(env).map((shard) => shardStub(env, shard).deadClaims(shard)));
  return perShard.flat();
}
