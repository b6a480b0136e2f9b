/**
 * The show clock's alerts: the audit and the live statistics read now, judged by the pure
 * rules of src/domain/alerts.ts. The minute cron logs each alert that holds (one `alert`
 * line, console.warn); the console's alerts panel reads the same through
 * `GET /api/admin/alerts`.
 */
import { shardRpsCeiling } from "../config";
import { evaluateAlerts } from "../domain/alerts";
import { auditAll } from "../money/full-audit";
import { timelineStub } from "../objects";
import { logLine } from "../ops/log";
import type { AlertsResponse } from "../wire/index";
import { readStats } from "./live-stats";

/** A settlement queued this long ago and still not in the ledger is stuck (the audit's default bound). */
export const SETTLEMENT_BOUND_MS = 300_000;

export async function currentAlerts(env: Env, now: number): Promise<AlertsResponse> {
  const timeline = await timelineStub(env).read();
  if (!timeline) return { at: now, alerts: [] };
  const [audit, stats] = await Promise.all([
    auditAll(env, timeline, SETTLEMENT_BOUND_MS).catch((err) => {
      console.warn("alerts: the audit could not run", String(err));
      return null;
    }),
    readStats(env, now).catch((err) => {
      console.warn("alerts: statistics unreadable", String(err));
      return null;
    }),
  ]);
  return { at: now, alerts: evaluateAlerts({ now, audit, stats, phases: timeline.phases, shardCeilingRps: shardRpsCeiling(env) }) };
}

/** Evaluates the alerts and writes one log line per alert that holds. */
export async function raiseAlerts(env: Env, now: number): Promise<AlertsResponse> {
  const report = await currentAlerts(env, now);
  for (const { kind, ...fields } of report.alerts) logLine("alert", kind, fields);
  return report;
}
