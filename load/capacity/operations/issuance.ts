/**
 * Issuing envelopes: shakes decided at the edge, envelope candidates at their shard (or from
 * an edge lease), pools loaded and paced, the edge's shake statistics and timeline reads.
 * Issue #25 (edge leases at gala scale) changes these footprints: this is the place.
 */
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, BYTES, gbMonths, logLines, ROWS_WRITTEN, type Operation } from "./footprint.ts";

export function issuanceOperations(s: ShowInputs, d: DeploymentInputs, f: ShowFigures): Operation[] {
  const shakesPerFlush = (d.perIsolateShakesPerSecond * d.statsFlushMs) / 1_000;
  const ae = { analyticsDataPoints: d.analyticsPointsPerShake };
  const candidate = { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.claim, doRequests: 1 / d.candidatesPerShardCall, ...ae };
  const shakeWires = ["post /api/shake/{requestId}", "post /api/shake"];
  // Wins answered from an edge lease (all but the shard calls) are presented by the phone once (claim-presenter.js).
  const leasedWins = f.issued * (1 - 1 / d.candidatesPerShardCall);
  return [
    // src/edge/shake-answer.ts: decided from the cached timeline; src/ops/metrics.ts writes a data point.
    {
      name: "shake answered at the edge",
      count: f.shakes - f.candidates,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.shake, ...ae },
      serves: shakeWires,
    },
    // claimPaced: reads the user's claims, takes an envelope (DELETE … RETURNING), writes the claim; the `claim` money line.
    {
      name: "candidate that won an envelope",
      count: f.issued,
      per: {
        ...candidate,
        doRowsRead: 5,
        doRowsWritten: ROWS_WRITTEN.envelope + ROWS_WRITTEN.claim,
        doStoredGbMonths: gbMonths(BYTES.claim, d.daysAfter),
        ...logLines(1, d),
      },
      serves: shakeWires,
    },
    {
      name: "candidate that won nothing",
      count: f.candidates - f.issued,
      per: {
        ...candidate,
        doRowsRead: 4,
        doRowsWritten: ROWS_WRITTEN.answer,
        doStoredGbMonths: gbMonths(BYTES.answer, d.daysAfter),
      },
      serves: shakeWires,
    },
    // src/routes/envelopes.ts presentClaims: the shard records the signed claim (recordLeasedClaims).
    {
      name: "edge-lease win presented",
      count: leasedWins,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.openSettle, doRequests: 1, doRowsRead: 3 },
      serves: ["post /api/envelopes/present"],
    },
    // loadPool, then #issuedSoFar: each live phase's stock and issued rows counted once a second.
    {
      name: "envelope loaded and paced",
      count: s.envelopes,
      per: {
        doRowsWritten: ROWS_WRITTEN.envelope,
        doRowsRead: s.lotteryPhaseSeconds,
        doStoredGbMonths: gbMonths(BYTES.envelope, d.daysBefore),
      },
    },
    // src/edge/shake-stats.ts: each isolate, once per STATS_FLUSH_MS, one call per shard it saw shakes for.
    {
      name: "shake statistics flush (per shard)",
      count: f.shakes * Math.min(1, d.shards / shakesPerFlush),
      per: { doRequests: 1, doRowsRead: 1, doRowsWritten: 1 },
    },
    // src/edge/timeline-cache.ts, colo-cache.ts: one refresh per location per TTL, only where requests arrive.
    {
      name: "timeline object read (edge caches)",
      count: Math.min(f.shakes + f.pageOpens, (d.colos * f.showSeconds * 1_000) / d.timelineTtlMs),
      per: { doRequests: 1 },
    },
  ];
}
