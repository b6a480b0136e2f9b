/**
 * Settlement messages handed to the real queue consumers by hand: a claim's message as the
 * producer builds it, and a batch delivered to the worker's queue handler (a first try, a
 * redelivery, or a dead letter after the last retry).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { markEnqueued } from "../../durable-objects/pool-shard/claim-state";
import worker from "../../src/index";
import { shardStub, userShard } from "../../src/objects";
import type { ClaimSettlementMessage, SettlementMessage } from "../../src/wire/rpc";
import { eventually } from "./wait";

export const SETTLEMENT_QUEUE = "gala-settlements";

/** Marks claims as sent on their shard, with nothing on the queue: a lost message. */
export const markSent = (shard: number, claimIds: string[], now: number) =>
  runInDurableObject(shardStub(env, shard), (_, state) => markEnqueued(state.storage.sql, claimIds, now));

/** The message of a viewer's claim (`claimId`, or their only one) as its shard records it. */
export async function claimMessage(userId: string, claimId?: string): Promise<ClaimSettlementMessage> {
  const shard = userShard(env, userId);
  const claims = await shardStub(env, shard).userClaims(userId);
  const claim = claimId === undefined ? claims[0] : claims.find((c) => c.claimId === claimId);
  if (!claim || (claimId === undefined && claims.length !== 1)) throw new Error(`no single claim ${claimId ?? ""} of ${userId}`);
  const { poolId, phaseId, sponsorId, amountCents, claimedAt } = claim;
  return { kind: "claims", shard, claims: [{ claimId: claim.claimId, userId, poolId, phaseId, sponsorId, amountCents, claimedAt }] };
}

/** Runs the worker's queue handler on a batch of `bodies` from `queue`; also reports the retry delays it asked for. */
export async function deliver(queue: string, bodies: SettlementMessage[], attempts = 1) {
  const batch = createMessageBatch<SettlementMessage>(
    queue,
    bodies.map((body, i) => ({ id: `m-${i}-${crypto.randomUUID()}`, timestamp: Date.now(), attempts, body })),
  ) as MessageBatch;
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  return { ...result, delays: retries.flatMap((spy) => spy.mock.calls.map(([options]) => options?.delaySeconds)) };
}

/** The message as the dead-letter queue hands it to the worker after the last retry. */
export const deadLetter = (message: SettlementMessage) => deliver(env.SETTLEMENT_DLQ, [message], 11);

/**
 * Runs `act`, then waits until the real queue's consumer has handled a batch carrying a message
 * that `carries` picks (a batch goes out 0.1 s after its first message in the workers suite):
 * what a test waits for before it says what the consumer did, or did not, write.
 */
export async function consumedAfter<T>(carries: (body: SettlementMessage) => boolean, act: () => Promise<T>): Promise<T> {
  const handled = vi.spyOn(worker, "queue");
  try {
    const result = await act();
    const i = await eventually(
      async () => handled.mock.calls.findIndex(([batch]) => batch.messages.some((m) => carries(m.body as SettlementMessage))),
      (index) => index >= 0,
      10_000,
    );
    await handled.mock.results[i].value;
    return result;
  } finally {
    handled.mockRestore();
  }
}
