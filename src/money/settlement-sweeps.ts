/**
 * The settlement sweeps the worker runs across every shard: the phase-close sweep (every
 * unopened claim of ended phases), the resend of stale claims and the admin requeue of dead
 * letters. Each shard sends its claims itself, through its outbox, the one producer of claim
 * settlement messages (durable-objects/pool-shard/settlement-outbox.ts), which also sends
 * opened claims. Sending twice is harmless: the ledger credits a claim once.
 */
import { endedLotteryPhaseIds } from "../domain/settlement";
import { allShards, shardStub, timelineStub } from "../objects";
import type { EnqueueReport, PendingClaim } from "../wire/index";

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
  return acrossShards(env, (shard) => shardStub(env, shard).sendUnenqueued(phaseIds, now));
}

/**
 * Sends again every claim whose message went out (or was dead-lettered) before `before` and
 * that has not settled: a message lost on the way (a crash, a dropped dead letter) or one
 * still failing. Harmless when the first one arrives after all: the ledger credits a claim
 * once. Each resent claim is marked enqueued now, so it is not resent again before the bound.
 */
export async function resendStale(env: Env, now: number, before: number): Promise<EnqueueReport> {
  return acrossShards(env, (shard) => shardStub(env, shard).resendStale(before, now));
}

/** Puts every dead-lettered claim back on the queue (after the ledger has recovered). */
export async function requeueDeadLetters(env: Env, now: number): Promise<EnqueueReport> {
  return acrossShards(env, (shard) => shardStub(env, shard).requeueDead(now));
}

export async function listDeadLetters(env: Env): Promise<PendingClaim[]> {
  const perShard = await Promise.all(allShards(env).map((shard) => shardStub(env, shard).deadClaims()));
  return perShard.flat();
}
