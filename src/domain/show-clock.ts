/**
 * When the show clock must run next: at the exact end of every lottery phase not yet
 * closed (the close that moves leftovers), shortly before a lottery phase starts (to check
 * its pools are loaded), every REBALANCE_INTERVAL_MS while a lottery phase is live, and
 * soon again when work is left over from a failed step.
 */
import type { EpochMs, Phase } from "../wire/index";
import { isLive } from "./phase";

export const REBALANCE_INTERVAL_MS = 5_000;
export const ARM_LEAD_MS = 60_000;
export const RETRY_MS = 2_000;

/** Lottery phases that ended and are not closed, in the order they ended (not document order). */
export function dueForClose(phases: readonly Phase[], closed: ReadonlySet<string>, now: EpochMs): Phase[] {
  return phases
    .filter((p) => p.kind === "lottery" && p.endsAt <= now && !closed.has(p.id))
    .sort((a, b) => a.endsAt - b.endsAt || a.startsAt - b.startsAt);
}

/**
 * Closed phases holding a pool without a leftover move: stock that arrived after the close
 * (never claimable there). Closing them again moves it on; an empty list when all is well.
 */
export function phasesToReclose(
  pools: readonly { poolId: string; phaseId: string }[],
  leftoverFromPoolIds: ReadonlySet<string>,
  closed: ReadonlySet<string>,
): string[] {
  return [...new Set(pools.filter((p) => closed.has(p.phaseId) && !leftoverFromPoolIds.has(p.poolId)).map((p) => p.phaseId))];
}

/** Phases of unclosed pools that are no longer in the running order (a previous gala's). */
export function retiredPhaseIds(phases: readonly Phase[], poolPhaseIds: readonly string[], closed: ReadonlySet<string>): string[] {
  const current = new Set(phases.map((p) => p.id));
  return [...new Set(poolPhaseIds)].filter((id) => !current.has(id) && !closed.has(id));
}

export function nextWake(phases: readonly Phase[], closed: ReadonlySet<string>, now: EpochMs, unfinished: boolean): EpochMs | null {
  const times: EpochMs[] = unfinished ? [now + RETRY_MS] : [];
  for (const phase of phases) {
    if (phase.kind !== "lottery" || closed.has(phase.id)) continue;
    if (phase.endsAt > now) times.push(phase.endsAt);
    if (phase.startsAt - ARM_LEAD_MS > now) times.push(phase.startsAt - ARM_LEAD_MS);
    if (isLive(phase, now)) times.push(now + REBALANCE_INTERVAL_MS);
  }
  return times.length ? Math.min(...times) : null;
}
