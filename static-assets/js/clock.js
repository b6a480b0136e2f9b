/**
 * Server clock offset. The countdown follows the server's clock, not the phone's: each sample
 * of `/api/time` gives offset = serverTime − midpoint of the round trip, and the sample with
 * the shortest round trip is the most trustworthy.
 */
import { apiJson } from "./api.js";

/** @typedef {{ sentAt: number, receivedAt: number, serverTime: number }} ClockSample */

/** @param {ClockSample} sample */
export function sampleOffsetMs(sample) {
  return sample.serverTime - (sample.sentAt + sample.receivedAt) / 2;
}

/**
 * Offset from the sample with the smallest round trip; 0 without samples.
 * @param {readonly ClockSample[]} samples
 */
export function bestOffsetMs(samples) {
  let best = null;
  for (const s of samples) {
    if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
  }
  return best ? Math.round(sampleOffsetMs(best)) : 0;
}

/**
 * Takes `count` samples one after the other; failed samples are skipped.
 * @param {() => Promise<number>} readServerTime resolves to the server's `serverTime`
 * @param {() => number} now the local clock
 * @param {number} count
 */
export async function measureOffsetMs(readServerTime, now, count = 3) {
  /** @type {ClockSample[]} */
  const samples = [];
  for (let i = 0; i < count; i++) {
    const sentAt = now();
    try {
      const serverTime = await readServerTime();
      samples.push({ sentAt, receivedAt: now(), serverTime });
    } catch {
      // A lost sample only lowers precision; the others still count.
    }
  }
  return { offsetMs: bestOffsetMs(samples), samples: samples.length };
}

/**
 * Measures the offset against this origin's `/api/time` and hands it to `apply`; when no
 * sample came back the previous offset stands.
 * @param {(offsetMs: number) => void} apply
 */
export async function syncServerClock(apply) {
  const { offsetMs, samples } = await measureOffsetMs(async () => (await apiJson("/api/time")).serverTime, Date.now);
  if (samples > 0) apply(offsetMs);
}
