/**
 * What the show clock needs from the timeline object: its running order, pool registry,
 * closed phases and move records. The Timeline Durable Object implements it and runs the
 * show clock itself (alarm and cron), so these calls are local and synchronous.
 */
import type { RegisteredPool } from "../wire/rpc";
import type { EpochMs, MoveRecord, PoolRecord, Timeline } from "../wire/index";

export type TimelineWrite = { ok: true; timeline: Timeline } | { ok: false; current: Timeline | null };

/** Where a new pool is registered: the timeline object, from inside it or through its stub. */
export interface PoolRegister {
  /** Registers the pool unless its phase has ended or closed; returns the problem instead. */
  registerPool(pool: RegisteredPool): string | null | Promise<string | null>;
}

export interface ShowRegistry extends PoolRegister {
  /** The running order, read in the object (a local SQL read, not a call). */
  document(): Timeline | null;
  /** Replaces the running order if `expectedVersion` is the current one (0 when there is none). */
  write(doc: Omit<Timeline, "version">, expectedVersion: number): TimelineWrite;
  registerPool(pool: RegisteredPool): string | null;
  pools(): RegisteredPool[];
  closedPhaseIds(): string[];
  moves(): MoveRecord[];
  /**
   * Records a move before its first step, with the new pool that will receive it if any
   * (a rollover pool starts with budget 0: its money arrives as "moved in"). Idempotent by
   * move id: returns the stored record.
   */
  planMove(move: MoveRecord, rollover: PoolRecord | null): MoveRecord;
  finishMove(moveId: string, landedCents: number): void;
  markClosed(phaseId: string, at: EpochMs): void;
}
