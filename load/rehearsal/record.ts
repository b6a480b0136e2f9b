/**
 * What one rehearsal records: the raw samples the report and the verdict are computed
 * from, written as bench-results/rehearsal-<time>.json.
 */
import type { AuditReport, Phase } from "../../src/wire/index.ts";
import type { BacklogSample, OperatorStep, PoolSample, RehearsalSettings, StatsSample } from "./samples.ts";
import type { FleetSecond } from "./tally.ts";
import type { Verdict } from "./verdict.ts";

export interface RehearsalRecord {
  startedAt: string;
  command: string;
  runtime: string;
  machine: Record<string, unknown>;
  settings: RehearsalSettings;
  /** When the first phase started (the charts' zero). */
  showStart: number;
  showEnd: number;
  /** The running order at the end (after the operator's edits). */
  phases: Phase[];
  operator: OperatorStep | null;
  fleet: FleetSecond[];
  stats: StatsSample[];
  pools: PoolSample[];
  backlog: BacklogSample[];
  finalAudit: AuditReport;
  verdict: Verdict;
}
