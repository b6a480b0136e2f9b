/**
 * Timeline: the source of truth for the live show, one object per deployment.
 *
 * Responsible for: the versioned running order (sponsors and phases) and the registry of
 * sponsor pools with their split seeds. Edges read it through their caches; operators write
 * it with optimistic concurrency (a write names the version it edited).
 */
import { DurableObject } from "cloudflare:workers";
import type { PoolRecord, Timeline as TimelineDoc } from "../src/wire";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS timeline (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  version INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pools (
  pool_id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  seed TEXT NOT NULL
);
`;

export type TimelineWrite =
  | { ok: true; timeline: TimelineDoc }
  | { ok: false; current: TimelineDoc | null };

export interface RegisteredPool {
  record: PoolRecord;
  seed: string;
}

export class Timeline extends DurableObject<Env> {
  #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA);
  }

  /** The current timeline, or null before anything was written. */
  read(): TimelineDoc | null {
    const row = this.#sql.exec<{ doc: string }>("SELECT doc FROM timeline").toArray()[0];
    return row ? (JSON.parse(row.doc) as TimelineDoc) : null;
  }

  /** Replaces the timeline if `expectedVersion` is the current one (0 when there is none). */
  write(doc: Omit<TimelineDoc, "version">, expectedVersion: number): TimelineWrite {
    const current = this.read();
    if ((current?.version ?? 0) !== expectedVersion) return { ok: false, current };
    const timeline: TimelineDoc = { ...doc, version: expectedVersion + 1 };
    this.#sql.exec(
      "INSERT OR REPLACE INTO timeline (singleton, version, doc) VALUES (1, ?, ?)",
      timeline.version,
      JSON.stringify(timeline),
    );
    return { ok: true, timeline };
  }

  registerPool(pool: RegisteredPool): void {
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
}
