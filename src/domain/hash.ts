/**
 * A small deterministic hash: FNV-1a 32-bit for shard placement, so the same user always
 * lands on the same shard. Public and unkeyed: never for anything a client could steer
 * (the candidate draw is keyed, src/edge/keyed-draw.ts).
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
