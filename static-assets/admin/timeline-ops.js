/**
 * Live-show edits on a list of phases, as pure functions returning new phases: swap a phase
 * with the next one (they trade time slots), start a phase now, stop a phase now. The server
 * validates the result (no overlaps, start before end) when it is saved.
 */

/** @typedef {import("../../src/wire").Phase} Phase */

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

/**
 * Starts a phase now, keeping its length: whatever is live now stops, and later phases that
 * would overlap are pushed back just enough.
 * @param {readonly Phase[]} phases
 * @param {string} id
 * @param {number} now server time
 */
export function startNow(phases, id, now) {
  const target = phases.find((p) => p.id === id);
  if (!target) return byStart(phases);
  const started = { ...target, startsAt: now, endsAt: now + (target.endsAt - target.startsAt) };
  let cursor = started.endsAt;
  const result = [started];
  for (const p of byStart(phases.filter((q) => q.id !== id))) {
    if (p.endsAt <= now) result.push(p);
    else if (p.startsAt <= now) result.push({ ...p, endsAt: now });
    else {
      const shift = Math.max(0, cursor - p.startsAt);
      const moved = { ...p, startsAt: p.startsAt + shift, endsAt: p.endsAt + shift };
      cursor = Math.max(cursor, moved.endsAt);
      result.push(moved);
    }
  }
  return byStart(result);
}

/**
 * Stops a live phase now.
 * @param {readonly Phase[]} phases
 * @param {string} id
 * @param {number} now server time
 */
export function stopNow(phases, id, now) {
  return byStart(phases.map((p) => (p.id === id && p.startsAt <= now && now < p.endsAt ? { ...p, endsAt: now } : p)));
}
