/**
 * Draft edits on a list of phases, as pure functions returning new phases: running order,
 * and swapping a phase with the next one (they trade time slots). The server validates the
 * result (no overlaps, start before end) when it is saved.
 */

/** @typedef {import("../../src/wire/index").Phase} Phase */

/** @param {readonly Phase[]} phases */
export function byStart(phases) {
  return [...phases].sort((a, b) => a.startsAt - b.startsAt);
}

/**
 * Swaps the phase at `index` (in start order) with the next one: the later phase takes the
 * earlier slot's start, the gap between them is kept, and the pair ends where it ended.
 * @param {readonly Phase[]} phases
 * @param {number} index
 */
export function swapWithNext(phases, index) {
  const sorted = byStart(phases);
  const a = sorted[index];
  const b = sorted[index + 1];
  if (!a || !b) return sorted;
  const gap = b.startsAt - a.endsAt;
  const movedB = { ...b, startsAt: a.startsAt, endsAt: a.startsAt + (b.endsAt - b.startsAt) };
  const movedA = { ...a, startsAt: movedB.endsAt + gap, endsAt: movedB.endsAt + gap + (a.endsAt - a.startsAt) };
  return byStart(sorted.map((p) => (p === a ? movedA : p === b ? movedB : p)));
}
