/**
 * The ledger goes down (its table out of reach, so every consumer batch fails): opens still answer,
 * without touching it; nothing is credited while it is down; after it comes back the queue's retries settle
 * everything, exactly once, and the audit balances with nothing pending.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expectBalanced } from "../support/repair";
import { describe, expect, it, vi } from "vitest";
import { shardStub, userShard } from "../../src/objects";
import { admin, audit, json, wallet } from "../support/api";
import { ledgerDown, ledgerQuery, ledgerUp } from "../support/ledger";
import { openOk, winner } from "../support/lottery";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";

const WINNERS = 16;

async function settledAt(userId: string, claimId: string) {
  return runInDurableObject(shardStub(env, userShard(env, userId)), (_, state) =>
    state.storage.sql.exec<{ settled_at: number | null }>("SELECT settled_at FROM claim_state WHERE claim_id = ?", claimId).one(),
  );
}

describe("ledger outage", () => {
  it("answers opens without the ledger, then settles everything once the ledger is back", async () => {
    const { poolId } = await liveLottery("outage", WINNERS * 8);
    const winners = await Promise.all(Array.from({ length: WINNERS }, () => winner()));

    const warnings = vi.spyOn(console, "warn");
    await ledgerDown("ledger");
    try {
      // Every open answers while the ledger is down (it stays down until they all have): an open
      // that waited for the ledger, or for the queue to settle, would never answer. And none
      // touched it: every read or write of the ledger fails now, and the only failures logged
      // are the consumer's.
      const opened = await Promise.all(winners.map((w) => openOk(w)));
      for (const [i, o] of opened.entries()) expect(o.envelope).toEqual(winners[i].envelope);
      expect(warnings.mock.calls.map(([text]) => String(text)).filter((t) => !t.startsWith("settlement batch failed"))).toEqual([]);

      // The queue delivers (batch timeout 0.1 s in the workers suite), the consumer fails and asks for a retry.
      await eventually(async () => warnings.mock.calls.some(([text]) => String(text).startsWith("settlement batch failed")));
      for (const w of winners) expect((await settledAt(w.userId, w.envelope.claimId)).settled_at).toBeNull();
      const down = await admin("GET", "/audit");
      expect(down.status).toBe(503);
      expect(((await down.json()) as { error: { code: string } }).error.code).toBe("unavailable");
      // The wallet cannot say what is settled: 503, never a balance read without the ledger.
      const walletDown = await json("GET", "/api/wallet", undefined, winners[0].token);
      expect(walletDown.status).toBe(503);
      expect(((await walletDown.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    } finally {
      await ledgerUp("ledger");
      warnings.mockRestore();
    }

    await eventually(
      () => Promise.all(winners.map((w) => wallet(w.token))),
      (views) => views.every((v, i) => v.balanceCents === winners[i].envelope.amountCents && v.pendingCents === 0),
      30_000,
    );

    for (const w of winners) expect((await openOk(w)).envelope).toEqual(w.envelope);

    const rows = await ledgerQuery("SELECT entry_id FROM ledger WHERE pool_id = ?", poolId);
    expect(rows).toHaveLength(WINNERS);
    const report = await audit(0);
    expectBalanced(report);
    const pool = report.settlement.pools.find((p) => p.poolId === poolId)!;
    const claimed = winners.reduce((sum, w) => sum + w.envelope.amountCents, 0);
    expect(pool).toMatchObject({ claimedCents: claimed, settledCents: claimed, pendingCents: 0, settledCount: WINNERS, balanced: true });
    expect(report.settlement.stuck).toEqual([]);
  });
});
