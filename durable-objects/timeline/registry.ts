/**
 * The show's registry in the Timeline object: the sponsor pools with their split seeds
 * (`pools`), the moves the show clock planned and finished (`moves`) and the lottery phases
 * it closed (`closed_phases`). The only writer of the three tables; a move and the rollover
 * pool that receives it are recorded together.
 */
import type { MoveRecord, PoolRecord } from "../../src/wire/index";
import type { RegisteredPool } from "../../src/wire/rpc";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pools (
  pool_id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  seed TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS closed_phases (
  phase_id TEXT PRIMARY KEY,
  closed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS moves (
  move_id TEXT PRIMARY KEY,
  record TEXT NOT NULL
);
`;

export class Registry {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(SCHEMA);
  }

  register(pool: RegisteredPool): void {
    this.#sql.exec(
      "INSERT INTO pools (pool_id, record, seed) VALUES (?, ?, ?)",
      pool.record.poolId,
      JSON.stringify(pool.record),
      pool.seed,
    );
  }

  pools(): RegisteredPool[] {
    return this.#sql
      .exec<{ record: string; seed: string }>("SELECT record, seed FROM pools ORDER BY rowid")
      .toArray()
      .map((row) => ({ record: JSON.parse(row.record) as PoolRecord, seed: row.seed }));
  }

  closedPhaseIds(): string[] {
    return this.#sql
      .exec<{ phase_id: string }>("SELECT phase_id FROM closed_phases")
      .toArray()
      .map((row) => row.phase_id);
  }

  markClosed(phaseId: string, at: number): void {
    this.#sql.exec("INSERT OR IGNORE INTO closed_phases (phase_id, closed_at) VALUES (?, ?)", phaseId, at);
  }

  moves(): MoveRecord[] {
    return this.#sql
      .exec<{ record: string }>("SELECT record FROM moves ORDER BY rowid")
      .toArray()
      .map((row) => JSON.parse(row.record) as MoveRecord);
  }

  /** Records a move (idempotent by move id: returns the stored record) with the rollover pool that receives it, if any. */
  planMove(move: MoveRecord, rollover: PoolRecord | null): MoveRecord {
    const stored = this.#sql.exec<{ record: string }>("SELECT record FROM moves WHERE move_id = ?", move.moveId).toArray()[0];
    if (stored) return JSON.parse(stored.record) as MoveRecord;
    this.#sql.exec("INSERT INTO moves (move_id, record) VALUES (?, ?)", move.moveId, JSON.stringify(move));
    if (rollover) {
      this.#sql.exec(
        "INSERT OR IGNORE INTO pools (pool_id, record, seed) VALUES (?, ?, ?)",
        rollover.poolId,
        JSON.stringify(rollover),
        move.moveId,
      );
    }
    return move;
  }

  finishMove(moveId: string, landedCents: number): void {
    const stored = this.moves().find((m) => m.moveId === moveId);
    if (!stored || stored.state === "done") return;
    const done: MoveRecord = { ...stored, state: "done", landedCents };
    this.#sql.exec("UPDATE moves SET record = ? WHERE move_id = ?", JSON.stringify(done), moveId);
  }
}
