/**
 * The edge's shake decision, made without any backend call: rest outside phases, a greeting
 * in greeting phases, and in lottery phases a draw that makes a small share of shakes
 * envelope candidates. Only candidates travel on to the user's pool shard. The draw itself
 * is keyed by a server secret (src/edge/keyed-draw.ts); this module only reads it.
 */
import type { EpochMs, Phase, Timeline } from "../wire/index";
import { phaseAt } from "./phase";

/** The decision for a shake inside a phase. */
export type ShakeDecision = { kind: "greeting"; phase: Phase } | { kind: "candidate"; phase: Phase } | { kind: "paced"; phase: Phase };

/** What the clock alone decides: rest, a greeting, or a lottery phase whose draw decides. */
export type LiveShake =
  { kind: "rest"; nextStartsAt: EpochMs | null } | { kind: "greeting"; phase: Phase } | { kind: "lottery"; phase: Phase };

export function liveShake(timeline: Timeline, now: EpochMs): LiveShake {
  const { live, next } = phaseAt(timeline.phases, now);
  if (!live) return { kind: "rest", nextStartsAt: next?.startsAt ?? null };
  return { kind: live.kind === "greeting" ? "greeting" : "lottery", phase: live };
}

/**
 * The lottery phase a marked retry names (`X-Gala-Retry: <phaseId>`), when it has started:
 * the one phase whose keyed draw can tell whether the retried request id was ever a
 * candidate there, and so whether its shard can hold a win for it. Null for any other mark.
 */
export function retriedLottery(timeline: Timeline, mark: string, now: EpochMs): Phase | null {
  return timeline.phases.find((p) => p.id === mark && p.kind === "lottery" && p.startsAt <= now) ?? null;
}

/**
 * A lottery shake's decision from its draw in [0, 1). The same draw (a retried request)
 * gives the same decision. `rateScale` in [0, 1] lets overload pacing hold back part of the
 * candidates: those are `paced` (answered busy, to retry later), never turned into a
 * greeting, so a retry of a request that already reached its shard still goes back there.
 */
export function drawDecision(phase: Phase, draw: number, rateScale = 1): ShakeDecision {
  if (draw >= phase.candidateRate) return { kind: "greeting", phase };
  return draw < phase.candidateRate * rateScale ? { kind: "candidate", phase } : { kind: "paced", phase };
}
