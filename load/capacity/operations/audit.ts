/**
 * The audit, the repairs and the show clock as built: the minute cron runs the show clock,
 * every repair (src/money/repair.ts) and the alerts, whose audit (src/money/full-audit.ts) the
 * operator console also reads every few seconds. The shards' and ledger partitions' part reads
 * their running totals (durable-objects/pool-shard/totals.ts, the partitions' ledger_totals)
 * and the claims in motion through a pending-only index (issue #26), so it is standing: its
 * rows grow with shards, partitions and pools, not with the night. The group envelopes' part
 * calls only the objects of envelopes that are due (the registry's due-time index,
 * src/money/group-registry.ts, durable-objects/group-envelope/registry-due.ts): a grab lowers
 * its envelope's due time, the repair visits it once past the bound and moves it on to its
 * expiry, so an envelope is visited about once per grab and once at its expiry, not every
 * minute of its life. The audit still reads every unsettled envelope's registry row (D1 rows,
 * for at most its 24 h lifetime) and the partitions' one totals line per group, which grows
 * with the night (`history`).
 */
import type { Usage } from "../prices.ts";
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, logLines, ROWS_WRITTEN, type Operation } from "./footprint.ts";

type Stored = ShowFigures["stored"];

/** Rows of a group envelope object its audit figures or repair read (envelope, grabs, outbox). */
const GROUP_ROWS = 8;
/** A shard's rows per pool an audit reads (its `pools` row and its totals), and per shard (shard totals). */
const SHARD_ROWS_PER_POOL = 2;
const SHARD_ROWS = 4;

/** The pools every shard and partition holds a line of. */
const poolsOf = (s: ShowInputs) => s.lotteryPhases * s.poolsPerPhase;

/**
 * One audit's reads of the shards and partitions (auditAll): per shard its pools' totals and
 * shard totals (claims in motion: a handful, left out), per partition a totals line per pool
 * and its wallet total. Whatever the night wrote.
 */
export const totalsReads = (s: ShowInputs, d: DeploymentInputs): Partial<Usage> => ({
  doRowsRead: d.shards * (SHARD_ROWS_PER_POOL * poolsOf(s) + SHARD_ROWS) + d.ledgerPartitions * (poolsOf(s) + 1),
});

/** How long a group envelope stays unsettled at most: its default lifetime (src/domain/group-envelope.ts), then its refund. */
export const GROUP_MOTION_MINUTES = 24 * 60;

/** One audit's reads of `groups` unsettled group envelopes: each one's registry row (src/money/groups-audit.ts; objects only when due). */
export const registryReads = (groups: number): Partial<Usage> => ({ d1RowsRead: groups });

/** What one audit reads per group the night ever made: the partitions' totals line of each group's credits. */
export const settledGroupReads = (h: Stored): Partial<Usage> => ({ doRowsRead: 2 * h.groups });

/**
 * Repair visits per group envelope, at most: one per grab (a grab lowers its due time; the
 * repair visits it once past the bound, when the credit is normally confirmed, and moves it to
 * the expiry) and one at its expiry (the refund confirmed, it is retired). Grabs close together
 * share a visit, so this is an upper bound.
 */
export const visitsPerGroup = (s: ShowInputs) => s.grabsPerGroup + 1;

/**
 * One repair visit of a due envelope (runRepairs): its row through the due-time index, the
 * object's repair (refund, resend, its figures), the due time set anew in the registry and
 * recorded in the object. The settlement sweeps and the wallets' recompute read only their
 * pending indexes and totals (in `totalsReads`' order of size, counted there).
 */
export const dueVisit: Partial<Usage> = {
  doRequests: 1,
  doRowsRead: GROUP_ROWS,
  doRowsWritten: 1,
  d1RowsRead: 1,
  d1RowsWritten: ROWS_WRITTEN.groupDue,
};

/**
 * The deep checks (durable-objects/sliced-check.ts): the ledger partitions' (every wallet
 * against its rows) and the pool shards' (every claim and its settlement state against the
 * totals), slices `sliceGapMs` apart on each object's alarm, a new run `runIntervalMs` after
 * one finishes. A slice stops after 25 ms of work (or 2,000 rows): `sliceRows` is what 25 ms
 * read at the ~40,000 rows/s `npm run bench:audit` measured in workerd on a loaded machine.
 */
export const DEEP_CHECK = { sliceRows: 1_000, sliceGapMs: 200, runIntervalMs: 600_000 } as const;

/** Slices one partition holding `rows` ledger rows runs in `minutes`. */
export function deepCheckSlices(rows: number, minutes: number): number {
  const slicesPerRun = Math.max(1, rows / DEEP_CHECK.sliceRows);
  const runMs = slicesPerRun * DEEP_CHECK.sliceGapMs + DEEP_CHECK.runIntervalMs;
  return ((minutes * 60_000) / runMs) * slicesPerRun;
}

/**
 * Slices beyond the standing runs' over the night, for one object whose rows grow to `rows`:
 * on average half of them during the show, all of them after it.
 */
function rowSlices(rows: number, during: number, after: number): number {
  return deepCheckSlices(rows / 2, during) - deepCheckSlices(0, during) + deepCheckSlices(rows, after) - deepCheckSlices(0, after);
}

/** The calls a run makes whatever the night wrote: the audit's and the statistics' fan-out. */
const auditFanOut = (d: DeploymentInputs) => d.shards + 2 * d.ledgerPartitions + 3;
const statsFanOut = (d: DeploymentInputs) => d.shards + 3;
/** The show clock's run (src/show/clock-run.ts): arm every shard, take back overdue leases, three timeline reads. */
const clockRun = (s: ShowInputs, d: DeploymentInputs): Partial<Usage> => ({
  doRequests: 3 + 2 * d.shards,
  doRowsRead: d.shards,
  doRowsWritten: d.shards * s.lotteryPhases * ROWS_WRITTEN.armedWindow,
});

const sum = (...parts: Partial<Usage>[]): Partial<Usage> => {
  const total: Partial<Usage> = {};
  for (const part of parts) {
    for (const [meter, amount] of Object.entries(part) as [keyof Usage, number][]) total[meter] = (total[meter] ?? 0) + amount;
  }
  return total;
};

/** Audits an open console reads per minute: the alerts panel every 15 s, the dashboard every 6 s. */
const CONSOLE_AUDITS_PER_MINUTE = 4 + 10;

export function auditOperations(s: ShowInputs, d: DeploymentInputs, f: ShowFigures): Operation[] {
  const { before, during, after } = f.cronMinutes;
  // The stores fill through the show: a run during it reads half the night on average. Every
  // group is unsettled from its making until its expiry at most: during the show half the
  // night's on average, after it all of them until the last expires. The due envelopes' visits
  // are counted per envelope, whenever they fall (a due envelope is visited by the audit only
  // when the repair could not move it on: stuck money, left out).
  const historyMinutes = during / 2 + after;
  const motionMinutes = during / 2 + Math.min(after, GROUP_MOTION_MINUTES);
  const consoleMinutes = s.operatorConsoles * during;
  const liveRuns = (s.lotteryPhases * s.lotteryPhaseSeconds) / 5;
  return [
    // src/index.ts scheduled(): the show clock, every repair's per-shard calls, the alerts' audit and statistics.
    {
      name: "show clock, repairs and alerts minute (cron)",
      standing: true,
      count: before + during + after,
      per: sum(clockRun(s, d), totalsReads(s, d), totalsReads(s, d), {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.getTime,
        doRequests: 2 * d.shards + d.ledgerPartitions + auditFanOut(d) + statsFanOut(d),
        ...logLines(1, d),
      }),
      serves: ["cron"],
    },
    {
      name: "unsettled group envelopes' registry rows read by the minute audit",
      history: true,
      count: motionMinutes,
      per: registryReads(f.stored.groups),
    },
    {
      name: "due group envelopes visited by the minute repair",
      count: f.groups * visitsPerGroup(s),
      per: dueVisit,
    },
    {
      name: "settled group envelopes' totals read by the minute cron",
      history: true,
      count: historyMinutes,
      per: settledGroupReads(f.stored),
    },
    // durable-objects/ledger-partition/index.ts alarm: one deep check slice (each row read through ledger_user and the table,
    // its wallet too), armed by the minute repair: a run of one slice every 10 minutes whatever the night wrote, and the
    // slices the night's rows add (the stores are half full during the show on average).
    {
      name: "deep check run (ledger partition alarm)",
      standing: true,
      count: d.ledgerPartitions * deepCheckSlices(0, before + during + after),
      per: { doRequests: 1, doRowsRead: 2, doRowsWritten: 1 },
      serves: ["alarm LedgerPartition"],
    },
    {
      name: "deep check slices over the night's ledger rows",
      count: d.ledgerPartitions * rowSlices(f.stored.ledgerRows / d.ledgerPartitions, during, after),
      per: { doRequests: 1, doRowsRead: 3 * DEEP_CHECK.sliceRows, doRowsWritten: 1 },
    },
    // durable-objects/pool-shard/index.ts alarm (shared with the settlement outbox): the shards' deep check, armed by the
    // show clock, each claim read with its settlement state (two rows).
    {
      name: "deep check run (pool shard alarm)",
      standing: true,
      count: d.shards * deepCheckSlices(0, before + during + after),
      per: { doRequests: 1, doRowsRead: 2, doRowsWritten: 1 },
    },
    {
      name: "deep check slices over the night's claims",
      count: d.shards * rowSlices(f.stored.claims / d.shards, during, after),
      per: { doRequests: 1, doRowsRead: 2 * DEEP_CHECK.sliceRows, doRowsWritten: 1 },
    },
    // durable-objects/group-envelope/index.ts alarm: the envelope's deep check (grabs-check.ts), one slice on each of its alarms
    // (a flush per grab, its expiry) and repair visits, which call the alarm: no request of its own. It reads the grab rows,
    // the totals and its run's row, and writes that row; it reports to the show clock only when its findings change.
    {
      name: "group envelope deep check (on its alarms and repair visits)",
      count: f.groups * 2 * visitsPerGroup(s),
      per: { doRowsRead: s.grabsPerGroup + 3, doRowsWritten: 1 },
    },
    // static-assets/admin/alerts-panel.js, dashboard.js: each read runs the full audit.
    {
      name: "audit read by an operator console",
      standing: true,
      count: consoleMinutes * CONSOLE_AUDITS_PER_MINUTE,
      per: sum(totalsReads(s, d), { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.grab, doRequests: auditFanOut(d) }),
      serves: ["get /api/admin/alerts", "get /api/admin/audit", "get /api/admin/verify"],
    },
    {
      name: "group envelopes read by console audits",
      history: true,
      count: (consoleMinutes * CONSOLE_AUDITS_PER_MINUTE) / 2,
      per: sum(registryReads(f.stored.groups), settledGroupReads(f.stored)),
    },
    // src/money/sponsor-statement.ts: after the show, each sponsor's statement read (JSON, then its CSV):
    // every shard's books, every partition's pool sums, the timeline's pools and moves.
    {
      name: "sponsor statement read (after the show)",
      standing: true,
      count: 2 * s.lotteryPhases * s.poolsPerPhase,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.grab, doRequests: d.shards + d.ledgerPartitions + 3 },
      serves: ["get /api/admin/sponsors/{sponsorId}/statement"],
    },
    {
      name: "night's stores read by sponsor statements",
      history: true,
      count: 2 * s.lotteryPhases * s.poolsPerPhase,
      per: { doRowsRead: 3 * f.stored.claims + f.stored.envelopesLeft + f.stored.ledgerRows },
    },
    // durable-objects/timeline.ts alarm: every 5 s while a lottery phase is live (rebalancing), after every write, at each close.
    {
      name: "show clock run (timeline alarm)",
      standing: true,
      count: liveRuns + s.timelineVersions + s.lotteryPhases,
      per: sum(clockRun(s, d), { doRequests: 1 + d.shards }),
      serves: ["alarm Timeline", "post /api/admin/show-clock/tick"],
    },
  ];
}
