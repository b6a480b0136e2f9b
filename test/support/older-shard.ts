/** A pool shard's storage made as an older version left it: totals kept with no triggers, and no swept or voided columns. */
export function asOlderTotals(sql: SqlStorage): void {
  for (const { name } of sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'totals_%'")
    .toArray()) {
    sql.exec(`DROP TRIGGER ${name}`);
  }
  for (const column of ["swept_count", "swept_cents", "voided_count", "voided_cents"])
    sql.exec(`ALTER TABLE pool_totals DROP COLUMN ${column}`);
}
