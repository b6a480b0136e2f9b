/**
 * The edge's shake decision, made without any backend call: rest outside phases, a greeting
 * in greeting phases, and in lottery phases a repeatable draw that makes a small share of
 * shakes envelope candidates. Only candidates travel on to the user's pool shard.
 */
import type { EpochMs, Phase, Timeline } from "../wire/index";
import { unitDraw } from "./hash";
import { phaseAt } from "./phase";

export type ShakeDecision =
  | { kind: "rest"; nextStartsAt: EpochMs | null }
  | { kind: "greeting"; phase: Phase }
  | { kind: "candidate"; phase: Phase }
  | { kind: "paced"; phase: Phase };

/**
 * The draw is keyed by user, request and phase, so a retried request gets the same
 * decision. `rateScale` in [0, 1] lets overload pacing hold back part of the candidates:
 * those are `paced` (answered busy, to retry later), never turned into a greeting, so a
 * retry of a request that already reached its shard still goes back there for its answer.
 */
export function decideShake(
  timeline: Timeline,
  now: EpochMs,
  userId: string,
  requestId: string,
  rateScale = 1,
): ShakeDecision {
  const { live, next } = phaseAt(timeline.phases, now);
  if (!live) return { kind: "rest", nextStartsAt: next?.startsAt ?? null };
  if (live.kind === "greeting") return { kind: "greeting", phase: live };
  const draw = unitDraw(`${userId}|${requestId}|${live.id}`);
  if (draw >= live.candidateRate) return { kind: "greeting", phase: live };
  return draw < live.candidateRate * rateScale ? { kind: "candidate", phase: live } : { kind: "paced", phase: live };
}
