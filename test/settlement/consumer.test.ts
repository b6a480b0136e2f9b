/**
 * The settlement consumer, driven with hand-made batches: a message delivered twice, a
 * consumer that fails on the first try, retry backoff, and dead letters recorded for the admin.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { retryDelaySeconds } from "../../src/domain/settlement";
import worker from "../../src/index";
import { shardStub, userShard } from "../../src/objects";
import type { DeadLettersResponse } from "../../src/wire/index";
import type { ClaimSettlementMessage, SettlementMessage } from "../../src/wire/rpc";
import { admin } from "../support/api";
import { audit, eventually, liveLottery, wallet, winner, type Winner } from "../support/lottery";
import { ledgerQuery, ledgerDown, ledgerUp } from "../support/ledger";

const QUEUE = "gala-settlements";

function messageOf(w: Winner, shard = userShard(env, w.userId)): ClaimSettlementMessage {
  return {
    kind: "claims",
    shard,
    claims: [
      {
        claimId: w.envelope.claimId,
        userId: w.userId,
        poolId: "",
        phaseId: w.envelope.phaseId,
        sponsorId: w.envelope.sponsorId,
        amountCents: w.envelope.amountCents,
        claimedAt: Date.now(),
      },
    ],
  };
}

/** The claim's real pool id, read from its shard. */
async function withPool(w: Winner): Promise<ClaimSettlementMessage> {
  const message = messageOf(w);
  const [claim] = await shardStub(env, message.shard).userClaims(w.userId);
  return { ...message, claims: message.claims.map((c) => ({ ...c, poolId: claim.poolId, claimedAt: claim.claimedAt })) };
}

/** Runs the worker's queue handler on a hand-made batch; also reports the retry delays asked for. */
async function deliver(queue: string, bodies: SettlementMessage[], attempts = 1) {
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

const ledgerRows = async (claimId: string) =>
  (await ledgerQuery<{ n: number }>("SELECT COUNT(*) AS n FROM ledger WHERE claim_id = ?", claimId)).reduce((n, r) => n + r.n, 0);

describe("settlement consumer", () => {
  beforeAll(async () => {
    await liveLottery("consumer", 64);
  });

  it("credits a message delivered twice (and twice in one batch) exactly once", async () => {
    const w = await winner();
    const message = await withPool(w);
    const first = await deliver(QUEUE, [message, message]);
    expect(first.retryMessages).toEqual([]);
    expect(first.explicitAcks).toHaveLength(2);
    const again = await deliver(QUEUE, [message], 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(await ledgerRows(w.envelope.claimId)).toBe(1);
    const view = await wallet(w.token);
    expect(view.balanceCents).toBe(w.envelope.amountCents);
    expect(view.pendingCents).toBe(0);
    expect((await audit()).balanced).toBe(true);
  });

  it("retries with backoff when the ledger throws, and credits once on the next try", async () => {
    const w = await winner();
    const message = await withPool(w);
    await ledgerDown("wallets");
    let failed;
    try {
      failed = await deliver(QUEUE, [message], 3);
    } finally {
      await ledgerUp("wallets");
    }
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages).toHaveLength(1);
    expect(failed.delays).toEqual([retryDelaySeconds(3)]);
    expect(retryDelaySeconds(3)).toBe(4);
    // The batch is one D1 transaction: the failed try left no half-written ledger row.
    expect(await ledgerRows(w.envelope.claimId)).toBe(0);

    const retried = await deliver(QUEUE, [message], 4);
    expect(retried.explicitAcks).toHaveLength(1);
    expect(await ledgerRows(w.envelope.claimId)).toBe(1);
    expect((await wallet(w.token)).balanceCents).toBe(w.envelope.amountCents);
  });

  it("records dead letters on the claim's shard for the admin, and a requeue settles them", async () => {
    const w = await winner();
    const message = await withPool(w);
    const result = await deliver(env.SETTLEMENT_DLQ, [message], 11);
    expect(result.explicitAcks).toHaveLength(1);

    const listed = (await (await admin("GET", "/settlements")).json()) as DeadLettersResponse;
    expect(listed.deadLetters).toEqual([
      expect.objectContaining({ claimId: w.envelope.claimId, userId: w.userId, deadAt: expect.any(Number) }),
    ]);
    const report = await audit(60_000);
    expect(report.settlement.stuck.map((c) => c.claimId)).toContain(w.envelope.claimId);
    expect(report.balanced).toBe(false);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ place: `claim:${w.envelope.claimId}`, cents: w.envelope.amountCents }),
    );

    const requeued = await admin("POST", "/settlements/requeue");
    expect(await requeued.json()).toEqual({ enqueued: 1 });
    await eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);
    expect(((await (await admin("GET", "/settlements")).json()) as DeadLettersResponse).deadLetters).toEqual([]);
    const state = await runInDurableObject(shardStub(env, message.shard), (_, s) =>
      s.storage.sql.exec("SELECT dead_at, settled_at FROM claim_state WHERE claim_id = ?", w.envelope.claimId).one(),
    );
    expect(state).toEqual({ dead_at: null, settled_at: expect.any(Number) });
    expect((await audit(60_000)).settlement.stuck).toEqual([]);
  });

  it("drops malformed messages instead of retrying them forever", async () => {
    const batch = createMessageBatch(QUEUE, [{ id: "bad", timestamp: Date.now(), attempts: 1, body: { kind: "nope" } }]);
    await worker.queue(batch as MessageBatch, env);
    const result = await getQueueResult(batch as MessageBatch, createExecutionContext());
    expect(result.explicitAcks).toEqual(["bad"]);
  });
});
