/** The sponsor statement's arithmetic (pure): moves in transit and returns reconcile, and a ledger ahead of the shards does not. */
import { describe, expect, it } from "vitest";
import { sponsorStatement, statementCsv, type StatementInput } from "../../src/domain/sponsor-statement";
import type { MoveRecord, PoolRecord } from "../../src/wire/index";
import { poolFigures, shardBooks } from "../support/pool-figures";

const pool = (poolId: string, phaseId: string, budgetCents: number): PoolRecord => ({
  poolId,
  phaseId,
  sponsorId: "s",
  budgetCents,
  count: 10,
  minCents: 1,
  maxCents: null,
  createdAt: 0,
});
const figures = (poolId: string, loadedCents: number, claimedCents: number, remainingCents: number) =>
  poolFigures({ poolId, loadedCount: 10, loadedCents, remainingCents, claimedCents });
const move = (moveId: string, toPoolId: string | null, state: MoveRecord["state"], landedCents: number | null): MoveRecord => ({
  moveId,
  kind: "leftover",
  fromPoolId: "p1",
  toPoolId,
  sponsorId: "s",
  fromShards: [0],
  toShards: toPoolId ? [0] : [],
  limit: null,
  state,
  landedCents,
  createdAt: 0,
});

/**
 * p1 (1000) issued 600, its 400 left: 300 on their way to p2 (taken, not landed) and 100 returned to the sponsor.
 * Of the 600: 450 opened (4), 500 settled as the shard confirmed it (5), 150 of that swept unopened (2); one win of 80 voided.
 */
function input(settledP1 = 500): StatementInput {
  const books = shardBooks(
    0,
    [
      {
        ...figures("p1", 1000, 600, 0),
        opened: { count: 4, cents: 450 },
        settled: { count: 5, cents: 500 },
        swept: { count: 2, cents: 150 },
        voided: { count: 1, cents: 80 },
      },
      figures("p2", 2000, 0, 2000),
    ],
    [
      { moveId: "m1", poolId: "p1", outCount: 3, outCents: 300, inCount: 0, inCents: 0 },
      { moveId: "m2", poolId: "p1", outCount: 1, outCents: 100, inCount: 0, inCents: 0 },
    ],
  );
  return {
    sponsorId: "s",
    galaId: "g",
    readAt: 1_770_000_000_000,
    timeline: null,
    pools: [pool("p1", "a", 1000), pool("p2", "b", 2000), { ...pool("other", "a", 50), sponsorId: "t" }],
    books: [books],
    moves: [move("m1", "p2", "planned", null), move("m2", null, "done", 100)],
    ledger: [{ poolId: "p1", count: 5, cents: settledP1 }],
  };
}

describe("sponsor statement", () => {
  it("reconciles with leftovers moving between pools and returned to the sponsor", () => {
    const s = sponsorStatement(input());
    expect(s.pools.map((p) => p.poolId)).toEqual(["p1", "p2"]);
    expect(s.pools[0]).toMatchObject({ issuedCents: 600, settledCents: 500, toWalletsCents: 100, rolledOutCents: 400, returnedCents: 100 });
    expect(s.totals).toMatchObject({ loadedCents: 3000, movingCents: 300, inMotionCents: 400, returnedCents: 100, inStockCents: 2000 });
    expect(s.equations.map((e) => [e.left, e.right, e.holds])).toEqual([
      [3000, 3000, true],
      [400, 400, true],
    ]);
    expect(s.reconciled).toBe(true);
  });

  it("splits what was settled into opened and swept as the shards confirmed it, and shows the voided wins", () => {
    const s = sponsorStatement(input());
    expect(s.pools[0]).toMatchObject({
      openedCents: 450,
      openedCount: 4,
      settledCents: 500,
      settledOpenedCents: 350,
      settledOpenedCount: 3,
      settledSweptCents: 150,
      settledSweptCount: 2,
      confirmingCents: 0,
      voidedCents: 80,
      voidedCount: 1,
      reconciled: true,
    });
    expect(s.pools[0].settledOpenedCents + s.pools[0].settledSweptCents + s.pools[0].confirmingCents).toBe(s.pools[0].settledCents);
    expect(s.totals).toMatchObject({ openedCents: 450, settledOpenedCents: 350, settledSweptCents: 150, voidedCents: 80 });
  });

  it("counts a ledger not yet holding what a shard confirmed as unreconciled, naming the split's equation", () => {
    const s = sponsorStatement(input(400));
    expect(s.pools[0].confirmingCents).toBe(-100);
    expect(s.reconciled).toBe(false);
    expect(s.pools[0].equations.filter((e) => !e.holds)).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/^settled opened \+ settled swept/), left: 500, right: 400 }),
    ]);
  });

  it("is not reconciled when the ledger holds more of a pool than was issued", () => {
    const s = sponsorStatement(input(700));
    expect(s.reconciled).toBe(false);
    expect(s.pools[0].equations.find((e) => !e.holds)).toMatchObject({ relation: "≤", left: 700, right: 600 });
  });

  it("writes one CSV row per pool, a totals row and every equation, quoting what needs it", () => {
    const csv = statementCsv(sponsorStatement(input()));
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe("sponsorId,s,galaId,g,readAt,2026-02-02T02:40:00.000Z,reconciled,true");
    expect(rows.filter((r) => r.startsWith("a,") || r.startsWith("b,"))).toHaveLength(2);
    expect(rows[1].split(",").slice(7, 18)).toEqual([
      "openedCents",
      "openedCount",
      "settledCents",
      "settledCount",
      "settledOpenedCents",
      "settledOpenedCount",
      "settledSweptCents",
      "settledSweptCount",
      "confirmingCents",
      "voidedCents",
      "voidedCount",
    ]);
    expect(rows).toContain("total,,,3000,,600,,450,,500,,350,,150,,0,80,,100,0,2000,,,100,true");
    expect(rows.some((r) => r.startsWith('"loaded = settled into wallets + in motion (to wallets, lent, moving between pools)'))).toBe(
      true,
    );
  });
});
