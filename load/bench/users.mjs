/**
 * Viewers for the bench. Tokens are signed here with the bench's session secret by the
 * worker's own signing code (src/auth/session-token.ts), so tens of thousands of users
 * cost milliseconds, and users can be picked by the shard their id hashes to.
 */
import { randomBytes } from "node:crypto";
import { SESSION_TTL_MS, signSession } from "../../src/auth/session-token.ts";
import { shardOf } from "../../src/domain/hash.ts";

/** A session token of the user `userId`. */
export function tokenOf(userId, secret, now = Date.now()) {
  return signSession({ sub: userId, iat: now, exp: now + SESSION_TTL_MS }, secret);
}

/** `count` session tokens; with `shard`, only users living on that shard. */
export async function mintUsers({ count, secret, shardCount, shard = null }) {
  const now = Date.now();
  const tokens = [];
  while (tokens.length < count) {
    const userId = `u_${randomBytes(16).toString("hex")}`;
    if (shard !== null && shardOf(userId, shardCount) !== shard) continue;
    tokens.push(await tokenOf(userId, secret, now));
  }
  return tokens;
}
