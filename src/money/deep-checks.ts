/**
 * The deep checks' reports as the audit shows them (each object's rows against its running
 * totals, durable-objects/sliced-check.ts). A source whose findings can be checked again one by
 * one does so first, so rows made right since their slice are not named: a ledger partition
 * (durable-objects/ledger-partition/deep-check.ts, source `ledger-<n>`) and a group envelope
 * (durable-objects/group-envelope/grabs-check.ts, source `group-<id>`, reported only while it
 * has findings or once they cleared). Sources without findings are not called. A shard's
 * findings (sums over a whole run, durable-objects/pool-shard/claims-check.ts) stand until its
 * next run.
 */
import { groupStub } from "../objects";
import type { DeepCheckReport } from "../wire/index";

const GROUP_SOURCE = "group-";

async function recheck(env: Env, report: DeepCheckReport): Promise<DeepCheckReport> {
  if (report.findings.length === 0) return report;
  if (report.source.startsWith("ledger-")) return env.LEDGER_PARTITION.getByName(report.source).recheckDeepCheck();
  if (report.source.startsWith(GROUP_SOURCE)) return groupStub(env, report.source.slice(GROUP_SOURCE.length)).recheckDeepCheck();
  return report;
}

export function deepCheckReports(env: Env, reports: readonly DeepCheckReport[]): Promise<DeepCheckReport[]> {
  return Promise.all(reports.map((r) => recheck(env, r)));
}
