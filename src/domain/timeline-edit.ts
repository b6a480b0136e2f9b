/**
 * Timeline edits for the live show: replace the running order, patch or remove one phase,
 * start or stop a phase now. Each edit is checked against the pool registry and the closed
 * phases, so an edit that would strand a pool or rewrite history is refused with a message
 * naming the problem, and nothing changes. A closed phase (its leftovers moved on) cannot
 * change, but it may be removed from the running order: its pools hold no stock any more.
 * Replacing the timeline with a different `galaId` starts a new gala: the previous gala's
 * phases leave the running order, and the show clock retires their pools (leftovers back
 * to the sponsors' unallocated budgets).
 */
import type { EpochMs, Phase, PoolRecord, Timeline, TimelineEdit } from "../wire/index";
import { isLive, phasesProblem } from "./phase";
import { planShortfalls, shortfallText } from "./plan-check";

export type TimelineDoc = Omit<Timeline, "version">;

export interface EditContext {
  pools: readonly PoolRecord[];
  closedPhaseIds: ReadonlySet<string>;
  now: EpochMs;
}

export type EditOutcome = { ok: true; doc: TimelineDoc } | { ok: false; problem: string };

const refuse = (problem: string): EditOutcome => ({ ok: false, problem });

function phaseOf(doc: TimelineDoc, phaseId: string): Phase | undefined {
  return doc.phases.find((p) => p.id === phaseId);
}

function withPhase(doc: TimelineDoc, phase: Phase): TimelineDoc {
  return { ...doc, phases: doc.phases.map((p) => (p.id === phase.id ? phase : p)) };
}

function samePhase(a: Phase, b: Phase): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first reason `next` may not replace `previous`, or null when it may. */
export function timelineProblem(previous: TimelineDoc | null, next: TimelineDoc, ctx: EditContext): string | null {
  const sponsorIds = new Set(next.sponsors.map((s) => s.id));
  if (sponsorIds.size !== next.sponsors.length) return "a sponsor id is used twice";
  for (const phase of next.phases) {
    const unknown = phase.sponsorIds.find((id) => !sponsorIds.has(id));
    if (unknown) return `phase "${phase.id}" names unknown sponsor "${unknown}"`;
  }
  const shapeProblem = phasesProblem(next.phases);
  if (shapeProblem) return shapeProblem;
  if (!previous || previous.galaId !== next.galaId) return reusedPhaseId(next, ctx);
  for (const pool of ctx.pools) {
    if (ctx.closedPhaseIds.has(pool.phaseId) || !phaseOf(previous, pool.phaseId)) continue;
    const phase = phaseOf(next, pool.phaseId);
    if (!phase) return `phase "${pool.phaseId}" has pools (${pool.poolId}) and cannot be removed`;
    if (phase.kind !== "lottery") return `phase "${phase.id}" has pools and must stay a lottery phase`;
    if (!phase.sponsorIds.includes(pool.sponsorId)) {
      return `sponsor "${pool.sponsorId}" has a pool in phase "${phase.id}" and cannot leave it`;
    }
  }
  for (const closedId of ctx.closedPhaseIds) {
    const before = phaseOf(previous, closedId);
    const after = phaseOf(next, closedId);
    if (before && after && !samePhase(before, after)) return `phase "${closedId}" is closed and cannot change`;
  }
  return null;
}

/** A new gala may not reuse a phase id that has pools or was closed: both are keyed by it. */
function reusedPhaseId(next: TimelineDoc, ctx: EditContext): string | null {
  const used = next.phases.find((p) => ctx.closedPhaseIds.has(p.id) || ctx.pools.some((pool) => pool.phaseId === p.id));
  return used ? `phase id "${used.id}" belongs to an earlier gala (it has pools or was closed); give this gala's phases new ids` : null;
}

/** Lottery phases that have not ended and have no pools: nobody can win anything in them. */
export function unfundedPhases(doc: TimelineDoc, pools: readonly PoolRecord[], now: EpochMs): Phase[] {
  return doc.phases.filter((p) => p.kind === "lottery" && p.endsAt > now && !pools.some((pool) => pool.phaseId === p.id));
}

/** Operator warnings for a valid timeline: lottery phases without pools, and plans its expected audience cannot take (plan-check.ts). */
export function timelineWarnings(doc: TimelineDoc, pools: readonly PoolRecord[], now: EpochMs): string[] {
  const unfunded = unfundedPhases(doc, pools, now).map((p) => `lottery phase "${p.id}" has no pools yet: nobody can win an envelope in it`);
  const audience = doc.audience;
  const shortfalls = audience === undefined ? [] : planShortfalls(doc.phases, pools, audience, now).map((s) => shortfallText(s, audience));
  return [...unfunded, ...shortfalls];
}

/** Applies one edit to the current document; validation of the result is `timelineProblem`. */
export function applyEdit(current: TimelineDoc | null, edit: TimelineEdit, ctx: EditContext): EditOutcome {
  if (edit.kind === "replace") return { ok: true, doc: edit.timeline };
  if (!current) return refuse("there is no timeline yet; PUT one first");
  const phase = phaseOf(current, edit.phaseId);
  if (!phase) return refuse(`unknown phase "${edit.phaseId}"`);
  if (ctx.closedPhaseIds.has(phase.id)) return refuse(`phase "${phase.id}" is closed and cannot change`);
  const { now } = ctx;
  switch (edit.kind) {
    case "patch":
      return { ok: true, doc: withPhase(current, { ...phase, ...edit.patch, id: phase.id }) };
    case "remove":
      return { ok: true, doc: { ...current, phases: current.phases.filter((p) => p.id !== phase.id) } };
    case "start":
      if (isLive(phase, now)) return refuse(`phase "${phase.id}" is already live`);
      if (phase.endsAt <= now) return refuse(`phase "${phase.id}" has already ended`);
      if (phase.kind === "lottery" && !ctx.pools.some((p) => p.phaseId === phase.id)) {
        return refuse(`lottery phase "${phase.id}" has no pools; create its pools before starting it`);
      }
      return { ok: true, doc: withPhase(current, { ...phase, startsAt: now }) };
    case "stop":
      if (!isLive(phase, now)) return refuse(`phase "${phase.id}" is not live; remove it to cancel it`);
      return { ok: true, doc: withPhase(current, { ...phase, endsAt: now }) };
  }
}
