/**
 * The admin log: every operator change (timeline edits, start/stop, pools, requeues,
 * repairs) with who, what, when and the timeline version after it. Append-only: rows are
 * inserted, never updated or deleted. Plain functions over the Timeline object's storage.
 */
import type { AdminLogEntry } from "../../src/wire/index";

export const ADMIN_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS admin_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  status INTEGER NOT NULL,
  timeline_version INTEGER NOT NULL
);
`;

export type AdminChange = Omit<AdminLogEntry, "seq" | "timelineVersion">;

export function appendAdminLog(sql: SqlStorage, change: AdminChange, timelineVersion: number): AdminLogEntry {
  const { seq } = sql
    .exec<{ seq: number }>(
      "INSERT INTO admin_log (at, who, action, detail, status, timeline_version) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
      change.at,
      change.who,
      change.action,
      change.detail,
      change.status,
      timelineVersion,
    )
    .one();
  return { ...change, seq, timelineVersion };
}

/** The newest `limit` entries, newest first. */
export function readAdminLog(sql: SqlStorage, limit: number): AdminLogEntry[] {
  return sql
    .exec<{ seq: number; at: number; who: string; action: string; detail: string; status: number; timeline_version: number }>(
      "SELECT * FROM admin_log ORDER BY seq DESC LIMIT ?",
      limit,
    )
    .toArray()
    .map((row) => ({
      seq: row.seq,
      at: row.at,
      who: row.who,
      action: row.action,
      detail: row.detail,
      status: row.status,
      timelineVersion: row.timeline_version,
    }));
}
