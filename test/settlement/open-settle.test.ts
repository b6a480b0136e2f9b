/**
 * Open → settled in the D1 ledger → visible in the wallet, through the real queue; opening
 * is idempotent; foreign, unknown and malformed claim ids get 4xx and write nothing.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { creditLedger } from "../../src/money/wallet-ledger";
import { shardStub, userShard } from "../../src/objects";
import { audit, call, session, wallet } from "../support/api";
import { ledgerQuery } from "../support/ledger";
import { open, openOk, winner } from "../support/lottery";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";
import { expectBalanced } from "../support/repair";

describe("open and settle", () => {
  beforeAll(async () => {
    await liveLottery("open", 64);
  });

  it("opens at once, settles through the queue into the ledger and shows in the wallet", async () => {
    const w = await winner();
    const before = await wallet(w.token);
    expect(before).toMatchObject({ userId: w.userId, balanceCents: 0, pendingCents: w.envelope.amountCents });
    expect(before.entries).toEqual([expect.objectContaining({ claimId: w.envelope.claimId, status: "pending" })]);

    const opened = await openOk(w);
    expect(opened.envelope).toEqual(w.envelope);
    await eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);

    const after = await wallet(w.token);
    expect(after.pendingCents).toBe(0);
    expect(after.entries).toEqual([
      expect.objectContaining({
        entryId: `claim:${w.envelope.claimId}`,
        status: "settled",
        amountCents: w.envelope.amountCents,
        sponsorId: w.envelope.sponsorId,
      }),
    ]);
    const rows = await ledgerQuery("SELECT user_id, amount_cents FROM ledger WHERE claim_id = ?", w.envelope.claimId);
    expect(rows).toEqual([{ user_id: w.userId, amount_cents: w.envelope.amountCents }]);
  });

  it("answers the same on every open and credits once, also under concurrent opens", async () => {
    const w = await winner();
    const responses = await Promise.all(Array.from({ length: 20 }, () => openOk(w)));
    expect(new Set(responses.map((r) => JSON.stringify(r))).size).toBe(1);
    await eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);
    expect(await openOk(w)).toEqual(responses[0]);
    expect(await ledgerQuery("SELECT entry_id FROM ledger WHERE user_id = ?", w.userId)).toHaveLength(1);
    const report = await audit();
    expectBalanced(report);
    expect(report.settlement.balanced).toBe(true);
  });

  it("answers 4xx to foreign, unknown and malformed claim ids and writes nothing", async () => {
    const owner = await winner();
    const other = await session();
    const cases: [string | null, string, number][] = [
      [other.token, owner.envelope.claimId, 404],
      [other.token, crypto.randomUUID(), 404],
      [other.token, "not-a-claim", 400],
      [other.token, "%27%20OR%201%3D1", 400],
      [other.token, "x".repeat(300), 400],
      [null, owner.envelope.claimId, 401],
    ];
    for (const [token, claimId, status] of cases) {
      const res = token ? await open(token, claimId) : await call(`/api/envelopes/${claimId}/open`, { method: "POST" });
      expect(res.status, claimId).toBe(status);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toEqual(expect.any(String));
    }
    // Nothing opened or enqueued: the owner's claim is still pending, with no claim state.
    const owned = await wallet(owner.token);
    expect(owned.entries).toEqual([expect.objectContaining({ status: "pending" })]);
    expect((await wallet(other.token)).entries).toEqual([]);
    const states = await runInDurableObject(shardStub(env, userShard(env, owner.userId)), (_, state) =>
      state.storage.sql.exec("SELECT * FROM claim_state WHERE claim_id = ?", owner.envelope.claimId).toArray(),
    );
    expect(states).toEqual([]);
  });

  // Last: its stray ledger rows would unbalance the audits of the tests above.
  it("keeps a settled claim out of pending however many newer rows the wallet has (210 one-cent credits)", async () => {
    const w = await winner();
    await openOk(w);
    await eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);
    const later = Date.now() + 1000;
    const credits = Array.from({ length: 210 }, (_, i) => ({
      entryId: `test-cent:${w.userId}:${i}`,
      userId: w.userId,
      kind: "group-grab",
      amountCents: 1,
      ref: `g_test${i}`,
    }));
    await creditLedger(env, credits, later);
    const view = await wallet(w.token);
    expect(view.balanceCents).toBe(w.envelope.amountCents + 210);
    expect(view.pendingCents).toBe(0);
    expect(view.entries.filter((e) => e.status === "pending")).toEqual([]);
  });
});
