/**
 * Phase computation: which phase of the show is live at a given instant. A phase is live
 * on the half-open interval [startsAt, endsAt): 1 ms before startsAt it is not yet live,
 * at endsAt it is over.
 */
import type { EpochMs, Phase } from "../wire/index";

export interface PhaseState {
  live: Phase | null;
  next: Phase | null;
}

/** Whether `now` falls in the window [startsAt, endsAt): the one test of every phase window (edge, shard, show clock). */
export function isLive(window: Pick<Phase, "startsAt" | "endsAt">, now: EpochMs): boolean {
  return window.startsAt <= now && now < window.endsAt;
}

export function phaseAt(phases: readonly Phase[], now: EpochMs): PhaseState {
  let live: Phase | null = null;
  let next: Phase | null = null;
  for (const phase of phases) {
    if (isLive(phase, now)) live = phase;
    else if (phase.startsAt > now && (next === null || phase.startsAt < next.startsAt)) next = phase;
  }
  return { live, next };
}

/** The first problem with a set of phases (order, overlap), or null when they are valid. */
export function phasesProblem(phases: readonly Phase[]): string | null {
  const ids = new Set<string>();
  for (const phase of phases) {
    if (ids.has(phase.id)) return `phase id "${phase.id}" is used twice`;
    ids.add(phase.id);
    if (!(phase.startsAt < phase.endsAt)) return `phase "${phase.id}" must start before it ends`;
  }
  const sorted = [...phases].sort((a, b) => a.startsAt - b.startsAt);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].startsAt < sorted[i - 1].endsAt) {
      return `phases "${sorted[i - 1].id}" and "${sorted[i].id}" overlap`;
    }
  }
  return null;
}
