/**
 * A ledger partition credits a settlement batch with set-based statements: every row once,
 * each wallet moved by the sum of its new rows only, a replayed or repeated credit (in the
 * same batch or a later one) changing nothing, and a row whose claim is already held under
 * another entry id not held.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerCredit } from "../../src/wire/rpc";

const credit = (entryId: string, userId: string, amountCents: number, claimId = entryId): LedgerCredit => ({
  entryId,
  userId,
  kind: "envelope",
  amountCents,
  claimId,
  poolId: "pool-batch",
  phaseId: "phase-batch",
  sponsorId: "sponsor-batch",
});

describe("ledger partition credit", () => {
  it("moves each wallet once by its new rows, however the batch repeats itself", async () => {
    const partition = env.LEDGER_PARTITION.getByName(`credit-${crypto.randomUUID()}`);
    const [a, b] = ["u_batch_a", "u_batch_b"];
    const batch = [credit("claim:1", a, 100), credit("claim:2", a, 250), credit("claim:3", b, 50), credit("claim:1", a, 100)];
    expect(new Set(await partition.credit(batch, 1_000))).toEqual(new Set(["claim:1", "claim:2", "claim:3"]));
    expect((await partition.wallet(a)).balanceCents).toBe(350);
    expect((await partition.wallet(b)).balanceCents).toBe(50);
    expect((await partition.wallet(a)).rows).toHaveLength(2);

    await partition.credit(batch, 2_000);
    const again = await partition.credit([credit("claim:4", b, 70), credit("claim:other", a, 999, "claim:2")], 3_000);
    expect(again).toEqual(["claim:4"]);
    expect((await partition.wallet(a)).balanceCents).toBe(350);
    expect((await partition.wallet(b)).balanceCents).toBe(120);
    expect((await partition.poolSums()).find((p) => p.poolId === "pool-batch")).toEqual({ poolId: "pool-batch", count: 4, cents: 470 });
  });
});
