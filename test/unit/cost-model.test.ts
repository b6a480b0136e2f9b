import { describe, expect, it } from "vitest";
import { bill, billWithoutHistory, fixedBill, ownServers, sensitivity, showBill } from "../../load/capacity/cost";
import { PLAN, PRICES, type Meter, type Price } from "../../load/capacity/prices";
import { PRODUCTION_DEPLOYMENT, REFERENCE_SHOW, SMALL_SHOW, type ShowInputs } from "../../load/capacity/shows";
import { operations, showUsage } from "../../load/capacity/usage";

const usage = showUsage(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT);
const price = (meter: Meter): Price => PRICES.find((p) => p.meter === meter)!;
const withPrice = (meter: Meter, usd: number): Price[] => PRICES.map((p) => (p.meter === meter ? { ...p, usd } : p));

const NO_AUDIENCE: ShowInputs = { ...REFERENCE_SHOW, viewers: 0, shakingSecondsPerViewer: 0, envelopes: 0 };

describe("cost model", () => {
  it("changes the bill by the price change times the billable usage", () => {
    const base = bill(usage).totalUsd;
    const requests = price("workerRequests");
    const dearer = bill(usage, withPrice("workerRequests", requests.usd + 0.1)).totalUsd;
    expect(dearer - base).toBeCloseTo((0.1 * (usage.workerRequests - requests.includedPerMonth)) / requests.per, 6);

    const rows = price("doRowsWritten");
    const cheaper = bill(usage, withPrice("doRowsWritten", rows.usd / 2)).totalUsd;
    expect(base - cheaper).toBeCloseTo(((rows.usd / 2) * (usage.doRowsWritten - rows.includedPerMonth)) / rows.per, 6);
  });

  it("charges nothing for usage inside the monthly allowance, whatever its price", () => {
    const reads = price("r2ClassB");
    expect(usage.r2ClassB).toBeLessThan(reads.includedPerMonth);
    expect(bill(usage, withPrice("r2ClassB", 1_000)).totalUsd).toBeCloseTo(bill(usage).totalUsd, 9);
  });

  it("bills only the plan when nothing runs", () => {
    const idle = showBill({ ...NO_AUDIENCE, showHours: 0 }, { ...PRODUCTION_DEPLOYMENT, daysBefore: 0, daysAfter: 0 });
    expect(idle.totalUsd).toBe(PLAN.usdPerMonth);
    for (const line of idle.lines) expect(line.usd).toBe(0);
  });

  it("bills a show without an audience only its fixed part", () => {
    for (const op of operations(NO_AUDIENCE, PRODUCTION_DEPLOYMENT).filter((o) => !o.standing)) {
      const used = Object.values(op.per).reduce((sum, amount) => sum + op.count * amount, 0);
      expect(used, op.name).toBe(0);
    }
    const fixed = fixedBill(NO_AUDIENCE, PRODUCTION_DEPLOYMENT).totalUsd;
    expect(showBill(NO_AUDIENCE, PRODUCTION_DEPLOYMENT).totalUsd).toBeCloseTo(fixed, 9);
    expect(fixed).toBeGreaterThanOrEqual(PLAN.usdPerMonth);
  });

  it("gives shares that add up to the whole bill", () => {
    const b = showBill(SMALL_SHOW, PRODUCTION_DEPLOYMENT);
    const shares = b.lines.reduce((sum, line) => sum + line.share, b.planUsd / b.totalUsd);
    expect(shares).toBeCloseTo(1, 9);
  });

  it("divides queue operations by the claims a shard's outbox flush carries", () => {
    const grabs = REFERENCE_SHOW.envelopes * REFERENCE_SHOW.groupShare * REFERENCE_SHOW.grabsPerGroup;
    const oneByOne = showUsage(REFERENCE_SHOW, { ...PRODUCTION_DEPLOYMENT, settlementFlushMs: 1e-9 }).queueOperations - 3 * grabs;
    expect(oneByOne).toBeCloseTo(3 * REFERENCE_SHOW.envelopes, 0);
    const batched = usage.queueOperations - 3 * grabs;
    expect(batched).toBeLessThan(oneByOne / 20);
  });

  it("reprices each sensitivity setting against the base bill", () => {
    const base = showBill(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT).totalUsd;
    for (const row of sensitivity(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT)) {
      expect(row.totalUsd - base).toBeCloseTo(row.changeUsd, 9);
    }
  });

  it("charges no Worker request for an idle page's polls: Cloudflare's cache answers them", () => {
    const base = showUsage(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT);
    const longer = showUsage({ ...REFERENCE_SHOW, pageOpenMinutes: 4 * REFERENCE_SHOW.pageOpenMinutes }, PRODUCTION_DEPLOYMENT);
    expect(longer.workerRequests).toBe(base.workerRequests);
    expect(longer.cacheRequests).toBeCloseTo(4 * base.cacheRequests, 0);
    expect(longer.r2ClassB).toBe(base.r2ClassB);
    const throughWorker = showUsage(REFERENCE_SHOW, { ...PRODUCTION_DEPLOYMENT, liveReads: "worker" });
    expect(throughWorker.workerRequests - base.workerRequests).toBeCloseTo(base.cacheRequests, 0);
  });

  it("keeps the reference gala at a quarter of its 66,288 USD before the published timeline, apart from the audit's rescans", () => {
    expect(billWithoutHistory(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT).totalUsd).toBeLessThanOrEqual(66_288 / 4);
    const viewerPage = operations(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT).filter((op) =>
      op.serves?.some((e) => /timeline|time$|identity/.test(e)),
    );
    const pageRequests = viewerPage.reduce((sum, op) => sum + op.count * (op.per.workerRequests ?? 0), 0);
    expect(pageRequests).toBeLessThanOrEqual(REFERENCE_SHOW.viewers * REFERENCE_SHOW.pageOpensPerViewer * 2 + 1_000);
  });

  it("prices the ledger as LedgerPartition objects, not D1", () => {
    const noGroups = showUsage({ ...REFERENCE_SHOW, groupShare: 0 }, PRODUCTION_DEPLOYMENT);
    const sessions = REFERENCE_SHOW.viewers;
    expect(noGroups.d1RowsWritten).toBe(2 * sessions);
    expect(noGroups.d1StoredGbMonths).toBe(0);
    const credits = operations(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT).find((op) => op.name === "claim credited to its ledger partition")!;
    expect(credits.count).toBe(REFERENCE_SHOW.envelopes);
    expect(credits.per.doRowsWritten).toBeGreaterThan(0);
    expect(credits.per.d1RowsWritten ?? 0).toBe(0);
  });

  it("scales the own-server fleet from the reference gala's 638 servers", () => {
    expect(ownServers(REFERENCE_SHOW.peakShakesPerSecond).servers).toBe(638);
    expect(ownServers(SMALL_SHOW.peakShakesPerSecond).servers).toBe(19);
  });
});
