import { describe, expect, it } from "vitest";
import { bill, fixedBill, ownServers, sensitivity, showBill } from "../../load/capacity/cost";
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
    const reads = price("d1RowsRead");
    expect(usage.d1RowsRead).toBeLessThan(reads.includedPerMonth);
    expect(bill(usage, withPrice("d1RowsRead", 1_000)).totalUsd).toBeCloseTo(bill(usage).totalUsd, 9);
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

  it("divides queue operations by the claims a settlement message carries", () => {
    const grabs = REFERENCE_SHOW.envelopes * REFERENCE_SHOW.groupShare * REFERENCE_SHOW.grabsPerGroup;
    const perClaim = usage.queueOperations - 3 * grabs;
    expect(perClaim).toBeCloseTo(3 * REFERENCE_SHOW.envelopes, 0);
    const batched = showUsage(REFERENCE_SHOW, { ...PRODUCTION_DEPLOYMENT, claimsPerMessage: 100 }).queueOperations - 3 * grabs;
    expect(batched).toBeCloseTo(perClaim / 100, 0);
  });

  it("reprices each sensitivity setting against the base bill", () => {
    const base = showBill(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT).totalUsd;
    for (const row of sensitivity(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT)) {
      expect(row.totalUsd - base).toBeCloseTo(row.changeUsd, 9);
    }
    const slowerPoll = { factor: "timeline poll", setting: "30 s", deployment: { timelinePollSeconds: 30 } };
    expect(sensitivity(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT, [slowerPoll])[0].changeUsd).toBeLessThan(0);
  });

  it("scales the own-server fleet from the reference gala's 638 servers", () => {
    expect(ownServers(REFERENCE_SHOW.peakShakesPerSecond).servers).toBe(638);
    expect(ownServers(SMALL_SHOW.peakShakesPerSecond).servers).toBe(19);
  });
});
