/**
 * Small deterministic hashes: FNV-1a 32-bit for shard placement and for repeatable draws,
 * so the same (user, request) always lands on the same shard and gets the same draw.
 */

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shard that owns a user: every claim of that user lives there, so limits are exact. */
export function shardOf(userId: string, shardCount: number): number {
  return fnv1a(userId) % shardCount;
}

/** A repeatable, well-mixed number in [0, 1) for a key (FNV-1a then murmur3's finalizer). */
export function unitDraw(key: string): number {
  let h = fnv1a(key);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}
