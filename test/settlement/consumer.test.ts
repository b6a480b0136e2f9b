/**
 * The settlement consumer, driven with hand-made batches: a message delivered twice, a
 * consumer that fails on the first try, retry backoff, and dead letters recorded for the admin.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../src/domain/settlement";
import { shardStub } from "../../src/objects";
import type { DeadLettersResponse } from "../../src/wire/index";
import type { SettlementMessage } from "../../src/wire/rpc";
import { admin, audit, wallet } from "../support/api";
import { ledgerDown, ledgerQuery, ledgerUp } from "../support/ledger";
import { winner } from "../support/lottery";
import { claimMessage, deadLetter, deliver, SETTLEMENT_QUEUE } from "../support/settlement";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";
import { expectBalanced } from "../support/repair";

const ledgerRows = async (claimId: string) =>
  (await ledgerQuery<{ n: number }>("SELECT COUNT(*) AS n FROM ledger WHERE claim_id = ?", claimId)).reduce((n, r) => n + r.n, 0);

describe("settlement consumer", () => {
  beforeAll(async () => {
    await liveLottery("consumer", 64);
  });

  it("credits a message delivered twice (and twice in one batch) exactly once", async () => {
    const w = await winner();
    const message = await claimMessage(w.userId);
    const first = await deliver(SETTLEMENT_QUEUE, [message, message]);
    expect(first.retryMessages).toEqual([]);
    expect(first.explicitAcks).toHaveLength(2);
    const again = await deliver(SETTLEMENT_QUEUE, [message], 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(await ledgerRows(w.envelope.claimId)).toBe(1);
    const view = await wallet(w.token);
    expect(view.balanceCents).toBe(w.envelope.amountCents);
    expect(view.pendingCents).toBe(0);
    expectBalanced(await audit());
  });

  it("retries with backoff when the ledger throws, and credits once on the next try", async () => {
    const w = await winner();
    const message = await claimMessage(w.userId);
    await ledgerDown("wallets");
    let failed;
    try {
      failed = await deliver(SETTLEMENT_QUEUE, [message], 3);
    } finally {
      await ledgerUp("wallets");
    }
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages).toHaveLength(1);
    expect(failed.delays).toEqual([retryDelaySeconds(3)]);
    expect(retryDelaySeconds(3)).toBe(4);
    // The batch is one D1 transaction: the failed try left no half-written ledger row.
    expect(await ledgerRows(w.envelope.claimId)).toBe(0);

    const retried = await deliver(SETTLEMENT_QUEUE, [message], 4);
    expect(retried.explicitAcks).toHaveLength(1);
    expect(await ledgerRows(w.envelope.claimId)).toBe(1);
    expect((await wallet(w.token)).balanceCents).toBe(w.envelope.amountCents);
  });

  for (const table of ["wallets", "ledger"] as const) {
    it(`keeps the ledger down through a partition's restart (${table} out of reach), and credits once when it is back`, async () => {
      const w = await winner();
      const message = await claimMessage(w.userId);
      await ledgerDown(table);
      let failed;
      try {
        // A partition that restarts during an outage runs its constructor (which creates missing tables and indexes) again.
        await abortAllDurableObjects();
        failed = await deliver(SETTLEMENT_QUEUE, [message], 1);
      } finally {
        await ledgerUp(table);
      }
      expect(failed.retryMessages).toHaveLength(1);
      expect(await ledgerRows(w.envelope.claimId)).toBe(0);
      expect((await deliver(SETTLEMENT_QUEUE, [message], 2)).explicitAcks).toHaveLength(1);
      expect((await wallet(w.token)).balanceCents).toBe(w.envelope.amountCents);
      expectBalanced(await audit());
    });
  }

  it("records dead letters on the claim's shard for the admin, and a requeue settles them", async () => {
    const w = await winner();
    const message = await claimMessage(w.userId);
    const result = await deadLetter(message);
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
    const result = await deliver(SETTLEMENT_QUEUE, [{ kind: "nope" } as unknown as SettlementMessage]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
  });
});
