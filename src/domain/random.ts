/**
 * Seeded pseudo-random integers (sfc32), so a pool's pre-split can be regenerated exactly
 * from its seed: a shard part that failed to load is reloaded with the same envelopes.
 */
import type { RandomInt } from "./split";
import { fnv1a } from "./hash";

export function seededRandomInt(seed: string): RandomInt {
  let a = fnv1a(`a${seed}`);
  let b = fnv1a(`b${seed}`);
  let c = fnv1a(`c${seed}`);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 0x1_0000_0000;
  };
  for (let i = 0; i < 12; i++) next();
  return (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
}

/** A copy of `items` in random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
