/**
 * Loss modes of settlement (issue 12, modes 1, 3, 6c and the crash's lost messages), each
 * injected into the real shards, queue and D1: the audit must say `balanced: false` naming
 * the claim, the repair must bring the money to its wallet, and the audit must balance again.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { creditClaims } from "../../src/money/wallet-ledger";
import { shardStub, userShard } from "../../src/objects";
import type { SettlementMessage } from "../../src/wire/rpc";
import { admin, audit, wallet } from "../support/api";
import { inUserPartition, ledgerQuery } from "../support/ledger";
import { open, winner, type Winner } from "../support/lottery";
import { dropLedgerWrites, expectBalanced, expectNamed, repair } from "../support/repair";
import { claimMessage, consumedAfter, deadLetter, markSent } from "../support/settlement";
import { claimOnShard, liveLottery } from "../support/show";
import { eventually } from "../support/wait";

const settledTo = (w: Winner) => eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);

/** The audit names the winner's claim; the repair sends it again; it reaches the wallet and the audit balances. */
async function namedThenRepaired(w: Winner): Promise<void> {
  expectNamed(await audit(0), `claim:${w.envelope.claimId}`);
  const report = await repair(0);
  expect(report.settlement.resent).toBeGreaterThanOrEqual(1);
  await settledTo(w);
  expectBalanced(await audit(0));
}

describe("settlement loss modes", () => {
  let lotteryId = "";
  let poolId = "";
  beforeAll(async () => {
    ({ lotteryId, poolId } = await liveLottery("losses", 6000));
  });

  it("mode 1: a dead-lettered settlement unbalances the audit; the repair requeues it to the wallet", async () => {
    const w = await winner();
    await deadLetter(await claimMessage(w.userId));
    await namedThenRepaired(w);
  });

  it("mode 3: a lost settlement message (claim marked enqueued, nothing on the queue) is re-sent by the repair", async () => {
    const w = await winner();
    const shard = userShard(env, w.userId);
    await markSent(shard, [w.envelope.claimId], Date.now());
    expect((await open(w.token, w.envelope.claimId)).status).toBe(200);
    expect(await (await admin("POST", "/settlements/sweep")).json()).toEqual({ enqueued: 0 });
    expect(await (await admin("POST", "/settlements/requeue")).json()).toEqual({ enqueued: 0 });
    expect((await wallet(w.token)).pendingCents).toBe(w.envelope.amountCents);
    await namedThenRepaired(w);
    // Idempotent: running it again changes no wallet.
    await repair(0);
    expect((await wallet(w.token)).balanceCents).toBe(w.envelope.amountCents);
  });

  it("mode 7: an open answered but whose message was never sent (the worker died first) is sent by the repair", async () => {
    const w = await winner();
    const shard = userShard(env, w.userId);
    // What the open route does before it answers; the send after the answer never happens.
    expect(await shardStub(env, shard).openClaim(w.userId, w.envelope.claimId, Date.now())).not.toBeNull();
    expect((await wallet(w.token)).pendingCents).toBe(w.envelope.amountCents);
    await namedThenRepaired(w);
  });

  it("mode 3: a message the ledger silently lost is not confirmed on the shard, so the repair re-sends it", async () => {
    const restore = await dropLedgerWrites("envelope");
    const w = await winner();
    try {
      // The consumer handles the claim's message and writes nothing; the claim must not read as settled.
      const carriesClaim = (m: SettlementMessage) => m.kind === "claims" && m.claims.some((c) => c.claimId === w.envelope.claimId);
      expect((await consumedAfter(carriesClaim, () => open(w.token, w.envelope.claimId))).status).toBe(200);
      expect((await wallet(w.token)).balanceCents).toBe(0);
      expectNamed(await audit(0), `claim:${w.envelope.claimId}`);
    } finally {
      await restore();
    }
    await repair(0);
    await settledTo(w);
    expectBalanced(await audit(0));
  });

  it("every wallet cent traces to the ledger: a drifted balance is named and recomputed, a stray ledger row is named", async () => {
    const w = await winner();
    expect((await open(w.token, w.envelope.claimId)).status).toBe(200);
    await settledTo(w);
    await inUserPartition(w.userId, "UPDATE wallets SET balance_cents = balance_cents + 100 WHERE user_id = ?", w.userId);
    expectNamed(await audit(0), `wallet:${w.userId}`);
    expect((await repair(0)).wallets).toBe(1);
    expect((await wallet(w.token)).balanceCents).toBe(w.envelope.amountCents);
    expectBalanced(await audit(0));

    await inUserPartition(
      w.userId,
      "INSERT INTO ledger (entry_id, user_id, kind, amount_cents, created_at) VALUES ('gift:1', ?, 'gift', 500, 0)",
      w.userId,
    );
    try {
      expectNamed(await audit(0), "ledger");
    } finally {
      await ledgerQuery("DELETE FROM ledger WHERE entry_id = 'gift:1'");
      await repair(0);
    }
    expectBalanced(await audit(0));
  });

  it("mode 6c: more than 500 in-flight claims on one shard are all checked (no false alarm, no missed claim)", async () => {
    const shard = shardStub(env, 0);
    const claims = [];
    for (let i = 0; i < 620; i += 62) {
      const answers = await Promise.all(
        Array.from({ length: 62 }, (_, k) => claimOnShard(shard, { userId: `bulk-${i + k}`, requestId: "r", phaseId: lotteryId })),
      );
      claims.push(...answers.flatMap((a) => (a.status === "won" ? [a.claim] : [])));
    }
    expect(claims.length).toBe(620);
    const now = Date.now();
    const rows = await shard.userClaims("bulk-0");
    expect(rows[0].poolId).toBe(poolId);
    // Every claim is on its way and already in the ledger, but no confirmation reached the shard yet.
    await markSent(
      0,
      claims.map((c) => c.claimId),
      now,
    );
    const settlement = claims.map((c, i) => ({ ...c, userId: `bulk-${i}`, poolId, claimedAt: now }));
    for (let i = 0; i < settlement.length; i += 100) await creditClaims(env, settlement.slice(i, i + 100), now);
    expectBalanced(await audit(60_000));
    // One of them loses its ledger row: the audit finds it, however deep in the backlog.
    const last = claims[claims.length - 1].claimId;
    await ledgerQuery("DELETE FROM ledger WHERE claim_id = ?", last);
    expectNamed(await audit(0), `claim:${last}`);
    await repair(0);
    await eventually(async () => (await audit(0)).balanced);
  });
});
