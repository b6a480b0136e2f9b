/**
 * The audit, the repairs and the show clock as built: the minute cron runs the show clock,
 * every repair (src/money/repair.ts) and the alerts, whose full audit (src/money/full-audit.ts)
 * the operator console also reads every few seconds. Today the audit and the repairs scan
 * every claim, ledger row, wallet and group envelope on every run, so their cost grows with
 * everything the night wrote: issue #26 (audit and repairs from running totals) replaces
 * these footprints, and this is the place to change them. `auditReads` and `repairReads` are what one run
 * reads for the night's stores; the cron's fixed per-shard work, and the operators', is standing.
 */
import type { Usage } from "../prices.ts";
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, logLines, ROWS_WRITTEN, type Operation } from "./footprint.ts";

type Stored = ShowFigures["stored"];

/** Rows of a group envelope object its audit figures or repair read (envelope, grabs, outbox). */
const GROUP_ROWS = 8;

/**
 * One full audit over the night's stores (auditAll): per shard its books (claims scanned for
 * sums, per-user maxima and duplicates; envelopes), settlement figures and in-flight claims
 * (claims joined to claim_state); per ledger partition its pool sums, traced rows and group
 * sums; the D1 registry; and every group envelope object's figures.
 */
export const auditReads = (h: Stored): Partial<Usage> => ({
  doRequests: h.groups,
  doRowsRead: 10 * h.claims + 3 * h.envelopesLeft + 5 * h.ledgerRows + h.wallets + GROUP_ROWS * h.groups,
  d1RowsRead: 2 * h.groups,
});

/**
 * One run of the repairs over the night's stores (runRepairs): the phase-close sweep and the
 * resend of stale claims scan every shard's claims with their state, every partition
 * recomputes its wallets from their rows, and every created group envelope is repaired.
 */
export const repairReads = (h: Stored): Partial<Usage> => ({
  doRequests: h.groups,
  doRowsRead: 4 * h.claims + h.ledgerRows + h.wallets + GROUP_ROWS * h.groups,
  d1RowsRead: h.groups,
});

/** The calls a run makes whatever the night wrote: the audit's and the statistics' fan-out. */
const auditFanOut = (d: DeploymentInputs) => 3 * d.shards + 3 * d.ledgerPartitions + 3;
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
  // The stores fill through the show: a run during it reads half the night on average.
  const historyMinutes = during / 2 + after;
  const consoleMinutes = s.operatorConsoles * during;
  const liveRuns = (s.lotteryPhases * s.lotteryPhaseSeconds) / 5;
  return [
    // src/index.ts scheduled(): the show clock, every repair's per-shard calls, the alerts' audit and statistics.
    {
      name: "show clock, repairs and alerts minute (cron)",
      standing: true,
      count: before + during + after,
      per: sum(clockRun(s, d), {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.getTime,
        doRequests: 2 * d.shards + d.ledgerPartitions + auditFanOut(d) + statsFanOut(d),
        ...logLines(1, d),
      }),
      serves: ["cron"],
    },
    {
      name: "night's stores rescanned by the minute cron",
      history: true,
      count: historyMinutes,
      per: sum(auditReads(f.stored), repairReads(f.stored)),
      serves: ["cron"],
    },
    // static-assets/admin/alerts-panel.js, dashboard.js: each read runs the full audit.
    {
      name: "audit read by an operator console",
      standing: true,
      count: consoleMinutes * CONSOLE_AUDITS_PER_MINUTE,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.grab, doRequests: auditFanOut(d) },
      serves: ["get /api/admin/alerts", "get /api/admin/audit", "get /api/admin/verify"],
    },
    {
      name: "night's stores rescanned by console audits",
      history: true,
      count: (consoleMinutes * CONSOLE_AUDITS_PER_MINUTE) / 2,
      per: auditReads(f.stored),
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
