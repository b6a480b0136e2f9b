/** Countdown math on the server's clock: the live and next phase, and the text to show. */

/** @typedef {import("../../src/wire/index").PublicPhase} PublicPhase */

/**
 * @param {readonly PublicPhase[]} phases
 * @param {number} serverNow
 * @returns {{ live: PublicPhase | null, next: PublicPhase | null }}
 */
export function currentPhases(phases, serverNow) {
  const live = phases.find((p) => p.startsAt <= serverNow && serverNow < p.endsAt) ?? null;
  const upcoming = phases.filter((p) => p.startsAt > serverNow).sort((a, b) => a.startsAt - b.startsAt);
  return { live, next: upcoming[0] ?? null };
}

/**
 * "mm:ss", or "h:mm:ss" from one hour on; rounds up so 0:00 shows only at the instant itself.
 * @param {number} ms
 */
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Milliseconds until `formatCountdown(ms)` shows another second (Infinity once it reached
 * 0:00): the page redraws then, so the countdown turns on the server's second.
 * @param {number} ms
 */
export const msUntilChange = (ms) => (ms > 0 ? ((Math.ceil(ms) - 1) % 1_000) + 1 : Infinity);
