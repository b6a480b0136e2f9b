/**
 * The wallet debit that group envelopes (issue 5) build on: atomic against the settled
 * balance, idempotent by entry id, never overdrawn under concurrent debits.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { creditClaims, debitWallet, walletRows } from "../../src/money/wallet-ledger";

const USER = "u_debit_test";

async function fund(cents: number) {
  await creditClaims(
    env,
    [{ claimId: crypto.randomUUID(), userId: USER, poolId: "pool-x", phaseId: "p", sponsorId: "s", amountCents: cents, claimedAt: 0 }],
    Date.now(),
  );
}

describe("wallet debit", () => {
  it("spends a balance at most once under concurrent debits, and replays by entry id", async () => {
    await fund(1000);
    const debits = Array.from({ length: 10 }, (_, i) => ({
      entryId: `group:${i}`,
      userId: USER,
      kind: "group_envelope",
      amountCents: 300,
      ref: `g${i}`,
    }));
    const results = await Promise.all(debits.map((d) => debitWallet(env, d, Date.now())));
    expect(results.filter((r) => r.status === "debited")).toHaveLength(3);
    const { balanceCents, rows } = await walletRows(env, USER, []);
    expect(balanceCents).toBe(100);
    expect(rows.reduce((sum, r) => sum + r.amountCents, 0)).toBe(100);

    const winner = debits[results.findIndex((r) => r.status === "debited")];
    expect(await debitWallet(env, winner, Date.now())).toEqual({ status: "debited", balanceCents: 100 });
    expect((await walletRows(env, USER, [])).balanceCents).toBe(100);
    expect(await debitWallet(env, { ...winner, entryId: "group:new", amountCents: 101 }, Date.now())).toEqual({
      status: "insufficient",
      balanceCents: 100,
    });
  });

  it("refuses a user without a wallet", async () => {
    const result = await debitWallet(
      env,
      { entryId: "group:none", userId: "u_nobody", kind: "group_envelope", amountCents: 1, ref: null },
      Date.now(),
    );
    expect(result).toEqual({ status: "insufficient", balanceCents: 0 });
  });
});
