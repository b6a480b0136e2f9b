/**
 * The bill for a show: its usage (usage.ts) priced with one table (prices.ts), how much the
 * design's levers move it, and what the same peak would take on one's own servers. Pure
 * arithmetic, no I/O; an estimate in USD, not an invoice. Included allowances are monthly
 * and applied once: the show is taken to be the account's only use in its month.
 */
import { PLAN, PRICES, type Price, type Usage } from "./prices.ts";
import type { DeploymentInputs, ShowInputs } from "./shows.ts";
import { showUsage, standingUsage } from "./usage.ts";

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
  { factor: "settlement batching", setting: "10 claims per message", deployment: { claimsPerMessage: 10 } },
  { factor: "settlement batching", setting: "100 claims per message", deployment: { claimsPerMessage: 100 } },
  { factor: "edge leases", setting: "10 envelopes per shard call", deployment: { candidatesPerShardCall: 10 } },
  { factor: "edge leases", setting: "100 envelopes per shard call", deployment: { candidatesPerShardCall: 100 } },
  { factor: "timeline poll", setting: "every 30 s instead of 5 s", deployment: { timelinePollSeconds: 30 } },
  { factor: "page open per phone", setting: "15 minutes instead of 60", show: { pageOpenMinutes: 15 } },
  { factor: "Workers Logs sampling", setting: "every invocation (rate 1)", deployment: { logSampleRate: 1 } },
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
