/**
 * The phase windows a pool shard enforces itself: claims only on [startsAt, endsAt). Armed
 * by the show clock; plain functions over the shard's SQLite storage, called by PoolShard.
 */
import type { PhaseWindow } from "../src/wire/index";

export const WINDOWS_SCHEMA = `
CREATE TABLE IF NOT EXISTS phase_windows (
  phase_id TEXT PRIMARY KEY,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL
);
`;

export type Windows = Map<string, PhaseWindow>;

export function loadWindows(sql: SqlStorage): Windows {
  const windows: Windows = new Map();
  for (const row of sql.exec<{ phase_id: string; starts_at: number; ends_at: number }>("SELECT * FROM phase_windows")) {
    windows.set(row.phase_id, { phaseId: row.phase_id, startsAt: row.starts_at, endsAt: row.ends_at });
  }
  return windows;
}

/** A phase with no armed window is left to the edge's decision (pools loaded before arming). */
export function windowOpen(windows: Windows, phaseId: string, now: number): boolean {
  const window = windows.get(phaseId);
  return !window || (window.startsAt <= now && now < window.endsAt);
}

/**
 * Replaces the armed windows; returns the pools whose share this shard holds, for readiness
 * checks. A pool row that only a move created (nothing loaded) does not count: its share is
 * still to load.
 */
export function armWindows(sql: SqlStorage, windows: readonly PhaseWindow[]): string[] {
  sql.exec("DELETE FROM phase_windows");
  for (const w of windows) {
    sql.exec("INSERT INTO phase_windows (phase_id, starts_at, ends_at) VALUES (?, ?, ?)", w.phaseId, w.startsAt, w.endsAt);
  }
  return sql
    .exec<{ pool_id: string }>(
      "SELECT pool_id FROM pools p WHERE loaded_count > 0 OR NOT EXISTS (SELECT 1 FROM moves_in m WHERE m.pool_id = p.pool_id)",
    )
    .toArray()
    .map((row) => row.pool_id);
}
