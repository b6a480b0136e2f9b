/**
 * Per-isolate memo of session tokens whose signature already checked out. A viewer shakes
 * about once a second with the same token, and checking its HMAC was the largest single
 * cost of a shake answered at the edge (docs/performance.md), so each token is verified
 * once per isolate and afterwards only its expiry is checked. Bounded: the oldest entries
 * go first. A different secret (rotation) starts the memo afresh.
 */
import { verifySession, type Session } from "./session-token";
import type { EpochMs } from "../wire/index";

export const MAX_REMEMBERED_SESSIONS = 20_000;

let memo = { secret: "", sessions: new Map<string, Session>() };

export async function verifySessionOnce(token: string, secret: string, now: EpochMs): Promise<Session | null> {
  if (memo.secret !== secret) memo = { secret, sessions: new Map() };
  const { sessions } = memo;
  const known = sessions.get(token);
  if (known) return known.exp > now ? known : null;
  const session = await verifySession(token, secret, now);
  if (session) {
    if (sessions.size >= MAX_REMEMBERED_SESSIONS) sessions.delete(sessions.keys().next().value as string);
    sessions.set(token, session);
  }
  return session;
}
