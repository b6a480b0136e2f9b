/**
 * Cloudflare's published prices for every meter a gala uses, in one table (USD). Each row
 * says what it costs per unit, what the Workers Paid plan includes each month, and where and
 * when the figure was read: change a row here and `npm run capacity` reprices every bill.
 * The web was not reachable while these were written; every figure was read on 2026-12-01
 * from a stored copy of the page named (or of the Markdown source that page is built from).
 */

/** What a show consumes of each billed meter, in the meter's own unit. */
export interface Usage {
  workerRequests: number;
  workerCpuMs: number;
  doRequests: number;
  doGbSeconds: number;
  doRowsRead: number;
  doRowsWritten: number;
  doStoredGbMonths: number;
  queueOperations: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  d1StoredGbMonths: number;
  r2ClassA: number;
  r2ClassB: number;
  r2StoredGbMonths: number;
  analyticsDataPoints: number;
  logsIngestedGb: number;
  logsStoredGbMonths: number;
  staticAssetRequests: number;
  /** Requests Cloudflare's cache answers for a public R2 bucket behind a custom domain (no Worker). */
  cacheRequests: number;
}

export type Meter = keyof Usage;

export interface Price {
  meter: Meter;
  item: string;
  /** USD per `per` units of the meter. */
  usd: number;
  per: number;
  unit: string;
  /** Units the Workers Paid plan includes each month before charging. */
  includedPerMonth: number;
  source: string;
  read: string;
  note?: string;
}

const READ = "2026-12-01 from stored copy";
const READ_R2 = "2026-12-02 from stored copy";
const R2 = "https://developers.cloudflare.com/r2/pricing/";
const WORKERS = "https://developers.cloudflare.com/workers/platform/pricing/";
const DURABLE_OBJECTS = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
const D1 = "https://developers.cloudflare.com/d1/platform/pricing/";
const OBSERVABILITY = "https://developers.cloudflare.com/observability/pricing/";
const MILLION = 1_000_000;

/** The Workers Paid plan: the only part of the bill that does not move with use. */
export const PLAN = {
  item: "Workers Paid plan (monthly minimum)",
  usdPerMonth: 5,
  source: WORKERS,
  read: READ,
} as const;

export const PRICES: readonly Price[] = [
  {
    meter: "workerRequests",
    item: "Workers requests",
    usd: 0.3,
    per: MILLION,
    unit: "million requests",
    includedPerMonth: 10 * MILLION,
    source: WORKERS,
    read: READ,
    note: "Standard usage model; subrequests are not billed",
  },
  {
    meter: "workerCpuMs",
    item: "Workers CPU time",
    usd: 0.02,
    per: MILLION,
    unit: "million CPU ms",
    includedPerMonth: 30 * MILLION,
    source: WORKERS,
    read: READ,
  },
  {
    meter: "doRequests",
    item: "Durable Objects requests",
    usd: 0.15,
    per: MILLION,
    unit: "million requests",
    includedPerMonth: MILLION,
    source: DURABLE_OBJECTS,
    read: READ,
    note: "every RPC method call on a stub and every alarm is one request",
  },
  {
    meter: "doGbSeconds",
    item: "Durable Objects duration",
    usd: 12.5,
    per: MILLION,
    unit: "million GB-s",
    includedPerMonth: 400_000,
    source: DURABLE_OBJECTS,
    read: READ,
    note: "wall-clock time in memory, billed at 128 MB per object",
  },
  {
    meter: "doRowsRead",
    item: "Durable Objects SQLite rows read",
    usd: 0.001,
    per: MILLION,
    unit: "million rows",
    includedPerMonth: 25_000 * MILLION,
    source: DURABLE_OBJECTS,
    read: READ,
  },
  {
    meter: "doRowsWritten",
    item: "Durable Objects SQLite rows written",
    usd: 1,
    per: MILLION,
    unit: "million rows",
    includedPerMonth: 50 * MILLION,
    source: DURABLE_OBJECTS,
    read: READ,
    note: "counted like D1: each index entry and each deleted row is a row written",
  },
  {
    meter: "doStoredGbMonths",
    item: "Durable Objects SQLite storage",
    usd: 0.2,
    per: 1,
    unit: "GB-month",
    includedPerMonth: 5,
    source: DURABLE_OBJECTS,
    read: READ,
  },
  {
    meter: "queueOperations",
    item: "Queues operations",
    usd: 0.4,
    per: MILLION,
    unit: "million operations",
    includedPerMonth: MILLION,
    source: "https://developers.cloudflare.com/queues/platform/pricing/",
    read: READ,
    note: "one per 64 KB written, read or deleted: 3 per delivered message",
  },
  {
    meter: "d1RowsRead",
    item: "D1 rows read (group registry, names)",
    usd: 0.001,
    per: MILLION,
    unit: "million rows",
    includedPerMonth: 25_000 * MILLION,
    source: D1,
    read: READ,
  },
  {
    meter: "d1RowsWritten",
    item: "D1 rows written (group registry, names)",
    usd: 1,
    per: MILLION,
    unit: "million rows",
    includedPerMonth: 50 * MILLION,
    source: D1,
    read: READ,
    note: "each index entry is a row written",
  },
  {
    meter: "d1StoredGbMonths",
    item: "D1 storage (group registry, names)",
    usd: 0.75,
    per: 1,
    unit: "GB-month",
    includedPerMonth: 5,
    source: D1,
    read: READ,
  },
  {
    meter: "r2ClassA",
    item: "R2 Class A operations (timeline published)",
    usd: 4.5,
    per: MILLION,
    unit: "million operations",
    includedPerMonth: MILLION,
    source: R2,
    read: READ_R2,
    note: "PutObject and other writes, Standard storage",
  },
  {
    meter: "r2ClassB",
    item: "R2 Class B operations (cache misses)",
    usd: 0.36,
    per: MILLION,
    unit: "million operations",
    includedPerMonth: 10 * MILLION,
    source: R2,
    read: READ_R2,
    note: "GetObject: only requests Cloudflare's cache does not answer reach the bucket",
  },
  {
    meter: "r2StoredGbMonths",
    item: "R2 storage",
    usd: 0.015,
    per: 1,
    unit: "GB-month",
    includedPerMonth: 10,
    source: R2,
    read: READ_R2,
  },
  {
    meter: "analyticsDataPoints",
    item: "Analytics Engine data points",
    usd: 0.25,
    per: MILLION,
    unit: "million data points",
    includedPerMonth: 10 * MILLION,
    source: "https://developers.cloudflare.com/analytics/analytics-engine/pricing/",
    read: READ,
    note: "the stored copy says billing has not started yet; priced as published",
  },
  {
    meter: "logsIngestedGb",
    item: "Workers Logs ingestion",
    usd: 0.25,
    per: 1,
    unit: "GB",
    includedPerMonth: 50,
    source: OBSERVABILITY,
    read: READ,
    note: "Observability pricing from 2026-12-01 (was $0.60 per million log events)",
  },
  {
    meter: "logsStoredGbMonths",
    item: "Workers Logs storage",
    usd: 0.1,
    per: 1,
    unit: "GB-month",
    includedPerMonth: 12,
    source: OBSERVABILITY,
    read: READ,
    note: "seven-day retention",
  },
  {
    meter: "staticAssetRequests",
    item: "Static asset requests",
    usd: 0,
    per: MILLION,
    unit: "million requests",
    includedPerMonth: 0,
    source: "https://developers.cloudflare.com/workers/static-assets/billing-and-limitations/",
    read: READ,
    note: "free and unlimited",
  },
  {
    meter: "cacheRequests",
    item: "Cache requests (published timeline)",
    usd: 0,
    per: MILLION,
    unit: "million requests",
    includedPerMonth: 0,
    source: "https://developers.cloudflare.com/cache/interaction-cloudflare-products/r2/",
    read: READ_R2,
    note: "a public bucket's custom domain served by Cloudflare's cache: no Worker runs, egress is free",
  },
];
