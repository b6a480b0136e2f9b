/**
 * The deep checks' reports in the Timeline object (`deep_check_reports`): the latest report of
 * each object whose rows are verified against its totals in slices (the ledger partitions'
 * wallets, durable-objects/ledger-partition/deep-check.ts). The only writer of the table; the
 * audit and the alerts read the findings from here.
 */
import type { DeepCheckReport } from "../../src/wire/index";

export const DEEP_CHECK_SCHEMA = `
CREATE TABLE IF NOT EXISTS deep_check_reports (
  source TEXT PRIMARY KEY,
  report TEXT NOT NULL
);
`;

/** Keeps `report` as its source's latest. */
export function storeDeepCheck(sql: SqlStorage, report: DeepCheckReport): void {
  sql.exec(
    "INSERT INTO deep_check_reports (source, report) VALUES (?, ?) ON CONFLICT DO UPDATE SET report = excluded.report",
    report.source,
    JSON.stringify(report),
  );
}

/** Every source's latest report, by source. */
export function readDeepChecks(sql: SqlStorage): DeepCheckReport[] {
  return sql
    .exec<{ report: string }>("SELECT report FROM deep_check_reports ORDER BY source")
    .toArray()
    .map((r) => JSON.parse(r.report) as DeepCheckReport);
}
