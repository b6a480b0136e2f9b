/**
 * The phase windows a pool shard enforces itself (`phase_windows`, its only writer): claims
 * and leases only on [startsAt, endsAt), on the shard's own clock, even when an edge's cached
 * timeline is stale. Armed by the show clock; kept in memory between armings.
 */
import { isLive } from "../../src/domain/phase";
import type { PhaseWindow } from "../../src/wire/index";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS phase_windows (
  phase_id TEXT PRIMARY KEY,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL
);
`;

export class PhaseWindows {
  #sql: SqlStorage;
  #windows = new Map<string, PhaseWindow>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(SCHEMA);
    for (const row of sql.exec<{ phase_id: string; starts_at: number; ends_at: number }>("SELECT * FROM phase_windows")) {
      this.#windows.set(row.phase_id, { phaseId: row.phase_id, startsAt: row.starts_at, endsAt: row.ends_at });
    }
  }

  /** A phase with no armed window is left to the edge's decision (pools loaded before arming). */
  open(phaseId: string, now: number): boolean {
    const window = this.#windows.get(phaseId);
    return !window || isLive(window, now);
  }

  /** Replaces the armed windows. */
  arm(windows: readonly PhaseWindow[]): void {
    this.#sql.exec("DELETE FROM phase_windows");
    for (const w of windows) {
      this.#sql.exec("INSERT INTO phase_windows (phase_id, starts_at, ends_at) VALUES (?, ?, ?)", w.phaseId, w.startsAt, w.endsAt);
    }
    this.#windows = new Map(windows.map((w) => [w.phaseId, w]));
  }
}
