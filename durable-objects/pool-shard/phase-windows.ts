/**
 * The phase windows a pool shard enforces itself (`phase_windows`, `phase_shut`, their only
 * writer): claims and leases only on [startsAt, endsAt), on the shard's own clock, even when an
 * edge's cached timeline is stale. Armed by the show clock; kept in memory between armings. A
 * phase whose close has read this shard is shut, whatever a window armed before its end was
 * moved (a stop) still says: nothing is lent or claimed between the close's read and its
 * take-out of the stock, to come back after it. Only an arming that extends the phase past the
 * shut (an operator's edit of an ended phase not closed yet) and finds it live opens it again.
 */
import { isLive } from "../../src/domain/phase";
import type { PhaseWindow } from "../../src/wire/index";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS phase_windows (
  phase_id TEXT PRIMARY KEY,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS phase_shut (
  phase_id TEXT PRIMARY KEY,
  shut_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

export class PhaseWindows {
  #sql: SqlStorage;
  #windows = new Map<string, PhaseWindow>();
  /** Shut phases, with when (the shard's clock). */
  #shut = new Map<string, number>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(SCHEMA);
    for (const row of sql.exec<{ phase_id: string; starts_at: number; ends_at: number }>("SELECT * FROM phase_windows")) {
      this.#windows.set(row.phase_id, { phaseId: row.phase_id, startsAt: row.starts_at, endsAt: row.ends_at });
    }
    for (const row of sql.exec<{ phase_id: string; shut_at: number }>("SELECT * FROM phase_shut"))
      this.#shut.set(row.phase_id, row.shut_at);
  }

  /** A phase with no armed window is left to the edge's decision (pools loaded before arming); a shut one is never open. */
  open(phaseId: string, now: number): boolean {
    if (this.#shut.has(phaseId)) return false;
    const window = this.#windows.get(phaseId);
    return !window || isLive(window, now);
  }

  /** The phase's close read this shard: no claim nor lease of it from now on (unless an arming opens it again). */
  shut(phaseId: string, now: number): void {
    if (this.#shut.has(phaseId)) return;
    this.#sql.exec("INSERT OR IGNORE INTO phase_shut (phase_id, shut_at) VALUES (?, ?)", phaseId, now);
    this.#shut.set(phaseId, now);
  }

  /** Replaces the armed windows; a shut phase armed live again, to end after its shut, opens again. */
  arm(windows: readonly PhaseWindow[], now: number): void {
    for (const w of windows) {
      const shutAt = this.#shut.get(w.phaseId);
      if (shutAt === undefined || w.endsAt <= shutAt || !isLive(w, now)) continue;
      this.#sql.exec("DELETE FROM phase_shut WHERE phase_id = ?", w.phaseId);
      this.#shut.delete(w.phaseId);
    }
    this.#sql.exec("DELETE FROM phase_windows");
    for (const w of windows) {
      this.#sql.exec("INSERT INTO phase_windows (phase_id, starts_at, ends_at) VALUES (?, ?, ?)", w.phaseId, w.startsAt, w.endsAt);
    }
    this.#windows = new Map(windows.map((w) => [w.phaseId, w]));
  }
}
