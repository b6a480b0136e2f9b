/**
 * The operators' console and API through the night (static-assets/admin/): live statistics
 * every 2 s (every shard's figures), timeline edits, pools set up before the show, and the
 * occasional read or repair: work the operators do whatever the audience (standing). Its
 * audits are priced with the audit (audit.ts).
 */
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, logLines, type Operation } from "./footprint.ts";

export function operatorOperations(s: ShowInputs, d: DeploymentInputs, f: ShowFigures): Operation[] {
  const worker = { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.grab };
  return [
    // src/show/live-stats.ts: the timeline, its closed phases and pools, every shard's phase figures.
    {
      name: "statistics read by an operator console",
      standing: true,
      count: (s.operatorConsoles * f.showSeconds) / 2,
      per: { ...worker, doRequests: 3 + d.shards, doRowsRead: d.shards * s.lotteryPhases * 3 },
      serves: ["get /api/admin/stats"],
    },
    // src/auth/admin-identity.ts: the console asks who its operator is as it opens (no object, no store).
    {
      name: "console opened: who the operator is",
      standing: true,
      count: s.operatorConsoles,
      per: worker,
      serves: ["get /api/operator"],
    },
    // The edit in the timeline object and its admin log line (an `admin_change` line).
    {
      name: "timeline edit",
      standing: true,
      count: s.timelineVersions,
      per: { ...worker, doRequests: 2, doRowsRead: 4, doRowsWritten: 4, ...logLines(1, d) },
      serves: [
        "put /api/admin/timeline",
        "patch /api/admin/timeline/phases/{phaseId}",
        "delete /api/admin/timeline/phases/{phaseId}",
        "post /api/admin/timeline/phases/{phaseId}/start",
        "post /api/admin/timeline/phases/{phaseId}/stop",
      ],
    },
    // src/show/pools.ts: registered in the timeline object, split and loaded onto every shard (rows priced in issuance.ts).
    {
      name: "pool set up",
      standing: true,
      count: s.lotteryPhases * s.poolsPerPhase,
      per: { ...worker, doRequests: 2 + d.shards, ...logLines(1, d) },
      serves: ["post /api/admin/pools", "post /api/admin/pools/{poolId}/load", "get /api/admin/pools"],
    },
    {
      name: "other operator request",
      standing: true,
      count: s.operatorRequests,
      per: { ...worker, doRequests: 2 + d.shards },
      serves: [
        "get /api/admin/timeline",
        "get /api/admin/log",
        "get /api/admin/settlements",
        "post /api/admin/settlements/requeue",
        "post /api/admin/settlements/sweep",
        "post /api/admin/repair",
        "get /api/admin/estimate",
        "get /api/openapi.json",
      ],
    },
  ];
}
