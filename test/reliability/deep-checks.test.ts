/**
 * Deep checks (issue 26): each ledger partition verifies every wallet against its rows in
 * bounded slices from its alarm and reports its findings to the show clock, where the audit
 * reads them. A ledger row changed behind the totals passes the totals' audit; the deep check
 * names the wallet, and clears it once a later pass finds the wallet right again. A slice stops
 * when its time budget is spent (or at its rows cap): with no budget at all each slice checks one
 * query's wallets, and the run still checks every wallet once and names the one that disagrees.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { WALLETS_PER_QUERY } from "../../durable-objects/ledger-partition/deep-check";
import { SLICE_BUDGET_MS, SLICE_MAX_ROWS } from "../../durable-objects/sliced-check";
import { ledgerOf, ledgerPartitionOf, ledgerStub } from "../../src/objects";
import type { DeepCheckReport } from "../../src/wire/index";
import { audit } from "../support/api";
import { fundedUser, splitLottery } from "../support/groups";
import { inUserPartition } from "../support/ledger";
import { expectBalanced, expectNamed, repair } from "../support/repair";

type Partition = ReturnType<typeof ledgerOf>;

interface Slice {
  rows: number;
  entities: number;
  /** The slice's own time on the object's clock. */
  ms: number;
}

/**
 * Runs slices of the partition's deep check until a run finishes (each call is what the alarm
 * runs, with `budgetMs` for its budget); returns what each slice read and its own time.
 */
async function fullRun(partition: Partition, budgetMs?: number): Promise<Slice[]> {
  const slices: Slice[] = [];
  for (;;) {
    const slice = await partition.checkSlice(budgetMs);
    if (!slice) throw new Error("the deep check is not armed");
    slices.push({ rows: slice.rows, entities: slice.entities, ms: slice.ms });
    if (slice.runFinished) return slices;
  }
}

async function reportOf(source: string): Promise<DeepCheckReport | undefined> {
  return (await env.TIMELINE.getByName("timeline").deepChecks()).find((r) => r.source === source);
}

describe("deep checks", () => {
  beforeAll(() => splitLottery(undefined, 20, 1000));

  it("names a wallet whose ledger row changed behind the totals, and no longer once the row is right again (the audit checks findings again)", async () => {
    const { user } = await fundedUser();
    await repair(0);
    const partition = ledgerOf(env, user.userId);
    await fullRun(partition);
    expectBalanced(await audit(0));
    await inUserPartition(user.userId, "DROP TRIGGER ledger_totals_update");
    await inUserPartition(user.userId, "UPDATE ledger SET amount_cents = amount_cents + 7 WHERE user_id = ?", user.userId);
    expectBalanced(await audit(0));
    await fullRun(partition);
    const report = await audit(0);
    expectNamed(report, `wallet:${user.userId}`);
    expect(report.problems.find((p) => p.place === `wallet:${user.userId}`)).toMatchObject({ cents: 7 });
    await inUserPartition(user.userId, "UPDATE ledger SET amount_cents = amount_cents - 7 WHERE user_id = ?", user.userId);
    expectBalanced(await audit(0));
    expect((await reportOf(`ledger-${ledgerPartitionOf(env, user.userId)}`))?.findings).toEqual([]);
  });

  // Last: they fill a partition with rows the audit would rightly call stray.
  describe("a large partition", () => {
    const wallets = 3_000;
    const rowsPerWallet = 10;
    const partition = () => ledgerStub(env, 0);
    const walletCount = () =>
      runInDurableObject(partition(), (_, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM wallets").one().n);

    beforeAll(async () => {
      await runInDurableObject(partition(), (_, state) => {
        state.storage.sql.exec(
          `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, created_at)
           WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
           SELECT 'deep:' || i, 'deep-' || printf('%06d', i / ?2), 'deep-seed', 1, 0 FROM n`,
          wallets * rowsPerWallet,
          rowsPerWallet,
        );
        state.storage.sql.exec(
          `INSERT INTO wallets (user_id, balance_cents, updated_at)
           SELECT user_id, SUM(amount_cents), 0 FROM ledger WHERE kind = 'deep-seed' GROUP BY user_id`,
        );
      });
      await partition().recomputeWallets(Date.now(), "ledger-0");
    });

    it("ends each slice when its time budget is spent, a slice's own time well under 50 ms, its rows bounded", async () => {
      const slices = await fullRun(partition());
      const all = await walletCount();
      for (const slice of slices) expect(slice.rows).toBeLessThanOrEqual(SLICE_MAX_ROWS + WALLETS_PER_QUERY * rowsPerWallet);
      // Every slice but the last stopped at its budget or its rows cap, not at the end of the wallets.
      for (const slice of slices.slice(0, -1)) expect(slice.ms >= SLICE_BUDGET_MS || slice.rows >= SLICE_MAX_ROWS).toBe(true);
      // Its own time is the budget plus one query plus whatever a shared machine steals meanwhile: the median shows its work.
      const sorted = slices.map((s) => s.ms).sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(50);
      const report = await reportOf("ledger-0");
      expect(report?.findings).toEqual([]);
      expect(report?.lastRun?.entities).toBe(all);
      expect(report?.lastRun?.maxSliceMs).toBeGreaterThan(0);
    });

    it("with no time budget checks one query's wallets per slice, every wallet once over many slices, and names the one that disagrees", async () => {
      const corrupt = "deep-001234";
      await runInDurableObject(partition(), (_, state) => {
        state.storage.sql.exec("UPDATE ledger SET amount_cents = amount_cents + 3 WHERE entry_id = 'deep:12345'");
      });
      const slices = await fullRun(partition(), 0);
      const all = await walletCount();
      // The partition's alarm may run a slice (at its own budget) between two of these calls: the run's
      // report counts every slice, and every wallet once.
      expect(slices.length).toBeGreaterThan(wallets / WALLETS_PER_QUERY / 2);
      for (const slice of slices) expect(slice.entities).toBeLessThanOrEqual(WALLETS_PER_QUERY);
      const report = await reportOf("ledger-0");
      expect(report?.lastRun?.entities).toBe(all);
      expect(report?.findings).toEqual([expect.objectContaining({ place: `wallet:${corrupt}`, cents: 3 })]);
    });
  });
});
