/**
 * What the show clock needs from the timeline object: its running order, pool registry,
 * closed phases and move records. The Timeline Durable Object implements it and runs the
 * show clock itself (alarm and cron), so these calls are local and synchronous.
 */
import type { RegisteredPool } from "../wire/rpc";
import type { EpochMs, MoveRecord, PoolRecord, Timeline } from "../wire/index";

export interface ShowRegistry {
  read(): Timeline | null;
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
