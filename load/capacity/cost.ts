/**
 * The bill for a show: its usage (usage.ts) priced with one table (prices.ts), how much the
 * design's levers move it, and what the same peak would take on one's own servers. Pure
 * arithmetic, no I/O; an estimate in USD, not an invoice. Included allowances are monthly
 * and applied once: the show is taken to be the account's only use in its month.
 */
import { PLAN, PRICES, type Price, type Usage } from "./prices.ts";
import type { DeploymentInputs, ShowInputs } from "./shows.ts";
import { operations, showUsage, standingUsage, usageOf } from "./usage.ts";

export interface BillLine {
  price: Price;
  /** The show's usage of the meter, and the part above the monthly allowance. */
  quantity: number;
  billable: number;
  usd: number;
  /** Share of the total bill. */
  share: number;
}

export interface Bill {
  /** The fixed part: the plan's monthly minimum. */
  planUsd: number;
  lines: BillLine[];
  totalUsd: number;
}

export function bill(usage: Usage, prices: readonly Price[] = PRICES, planUsd: number = PLAN.usdPerMonth): Bill {
  const priced = prices.map((price) => {
    const quantity = usage[price.meter];
    const billable = Math.max(0, quantity - price.includedPerMonth);
    return { price, quantity, billable, usd: (billable / price.per) * price.usd };
  });
  const totalUsd = priced.reduce((sum, line) => sum + line.usd, planUsd);
  return { planUsd, lines: priced.map((line) => ({ ...line, share: line.usd / totalUsd })), totalUsd };
}

export const showBill = (s: ShowInputs, d: DeploymentInputs, prices: readonly Price[] = PRICES): Bill => bill(showUsage(s, d), prices);

/** The fixed part: the plan and the minute cron over the deployment's days, whatever the audience. */
export const fixedBill = (s: ShowInputs, d: DeploymentInputs, prices: readonly Price[] = PRICES): Bill => bill(standingUsage(s, d), prices);

/**
 * The bill without the audit's and repairs' rescans of everything the night wrote: what it
 * would be with their cost independent of history (DESIGN.md; issue #26).
 */
export const billWithoutHistory = (s: ShowInputs, d: DeploymentInputs, prices: readonly Price[] = PRICES): Bill =>
  bill(
    usageOf(
      operations(s, d).filter((op) => !op.history),
      d,
    ),
    prices,
  );

/** One setting of one lever, applied over the base show and deployment. */
export interface Variant {
  factor: string;
  setting: string;
  show?: Partial<ShowInputs>;
  deployment?: Partial<DeploymentInputs>;
}

export const SENSITIVITY: readonly Variant[] = [
  { factor: "candidate rate", setting: "2x the planned rate", deployment: { candidateRateFactor: 2 } },
  { factor: "candidate rate", setting: "5x the planned rate", deployment: { candidateRateFactor: 5 } },
  { factor: "client shake interval", setting: "500 ms", show: { shakeIntervalMs: 500 } },
  { factor: "client shake interval", setting: "2,000 ms", show: { shakeIntervalMs: 2_000 } },
  { factor: "settlement batching", setting: "one claim per message", deployment: { settlementFlushMs: 1 } },
  { factor: "edge leases", setting: "10 envelopes per shard call", deployment: { candidatesPerShardCall: 10 } },
  { factor: "edge leases", setting: "100 envelopes per shard call", deployment: { candidatesPerShardCall: 100 } },
  { factor: "published timeline", setting: "read through the Worker", deployment: { liveReads: "worker" } },
  { factor: "published timeline", setting: "read every 2 s instead of 5 s", deployment: { livePollMs: 2_000 } },
  { factor: "page open per phone", setting: "15 minutes instead of 60", show: { pageOpenMinutes: 15 } },
  { factor: "Workers Logs", setting: "invocation logs on", deployment: { invocationLogs: true } },
  { factor: "operator consoles", setting: "none open during the show", show: { operatorConsoles: 0 } },
  { factor: "deployment after the show", setting: "1 day instead of 7", deployment: { daysAfter: 1 } },
];

export interface SensitivityRow {
  variant: Variant;
  totalUsd: number;
  /** Against the base bill. */
  changeUsd: number;
}

export function sensitivity(
  s: ShowInputs,
  d: DeploymentInputs,
  variants: readonly Variant[] = SENSITIVITY,
  prices: readonly Price[] = PRICES,
): SensitivityRow[] {
  const base = showBill(s, d, prices).totalUsd;
  return variants.map((variant) => {
    const totalUsd = showBill({ ...s, ...variant.show }, { ...d, ...variant.deployment }, prices).totalUsd;
    return { variant, totalUsd, changeUsd: totalUsd - base };
  });
}

/** The same peak on one's own access servers, scaled from the reference gala's fleet. */
export interface OwnServerInputs {
  /** The reference gala's access tier (DESIGN.md): 638 servers for a 14 M/s peak. */
  referenceServers: number;
  referencePeakShakesPerSecond: number;
  /**
   * Assumed, not a quoted price: one server's hardware over three years plus its rack space,
   * power and transit, per month.
   */
  usdPerServerMonth: number;
  /** Months the fleet is paid for around one show. */
  monthsHeld: number;
}

export const OWN_SERVERS: OwnServerInputs = {
  referenceServers: 638,
  referencePeakShakesPerSecond: 14_000_000,
  usdPerServerMonth: 350,
  monthsHeld: 1,
};

export function ownServers(peakShakesPerSecond: number, o: OwnServerInputs = OWN_SERVERS): { servers: number; usd: number } {
  const servers = Math.ceil((o.referenceServers * peakShakesPerSecond) / o.referencePeakShakesPerSecond);
  return { servers, usd: servers * o.usdPerServerMonth * o.monthsHeld };
}

/** A show's bill as data (`npm run capacity -- --json`, the console's estimate). */
export interface BillReport {
  show: string;
  totalUsd: number;
  planUsd: number;
  items: { item: string; meter: string; quantity: number; unit: string; usd: number; share: number }[];
  /** What the audit and repairs cost by rescanning everything the night wrote (issue #26 removes it). */
  historyRescansUsd: number;
  withoutHistoryRescansUsd: number;
  /** The plan and the minute cron around the show, whatever the audience. */
  fixedUsd: number;
}

export function billReport(s: ShowInputs, d: DeploymentInputs, prices: readonly Price[] = PRICES): BillReport {
  const b = showBill(s, d, prices);
  const without = billWithoutHistory(s, d, prices).totalUsd;
  return {
    show: s.name,
    totalUsd: b.totalUsd,
    planUsd: b.planUsd,
    items: b.lines.map((l) => ({
      item: l.price.item,
      meter: l.price.meter,
      quantity: l.quantity / l.price.per,
      unit: l.price.unit,
      usd: l.usd,
      share: l.share,
    })),
    historyRescansUsd: b.totalUsd - without,
    withoutHistoryRescansUsd: without,
    fixedUsd: fixedBill(s, d, prices).totalUsd,
  };
}
