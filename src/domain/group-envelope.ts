/**
 * Group envelopes (split packets), pure rules: what a valid envelope is, and what one grab
 * gets. A share is drawn at grab time with the double-mean split (`nextShare`) over what is
 * left, so the last share takes the remainder and the shares sum exactly to the amount.
 */
import type { Cents, EpochMs, GrabOutcome } from "../wire/index";
import { nextShare, splitProblem, type RandomInt } from "./split";

export const MAX_GROUP_COUNT = 200;
export const MAX_GROUP_CENTS = 2_000_000;
export const MIN_GROUP_TTL_MS = 1_000;
export const MAX_GROUP_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_GROUP_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_GREETING_CHARS = 120;

/** Why `amount` cents cannot make a group envelope of `count` shares, or null when it can. */
export function groupProblem(amount: Cents, count: number): string | null {
  if (Number.isSafeInteger(count) && count > MAX_GROUP_COUNT) return `count must be at most ${MAX_GROUP_COUNT}`;
  if (Number.isSafeInteger(amount) && amount > MAX_GROUP_CENTS) return `amount must be at most ${MAX_GROUP_CENTS} cents`;
  return splitProblem(amount, count, { minCents: 1, maxCents: null });
}

/** What a group envelope holds when a grab arrives. */
export interface GrabState {
  amountCents: Cents;
  count: number;
  grabbedCents: Cents;
  grabbedCount: number;
  expiresAt: EpochMs;
}

/** The grabber's earlier grab of this envelope, if any. */
export interface PreviousGrab {
  requestId: string;
  amountCents: Cents;
}

/**
 * One grab. A user grabs at most once: the request that grabbed is answered "grabbed" again
 * on retry, any other request of that user "already". Otherwise expiry comes first, then
 * emptiness, then a fresh share. Every answer is stable, so retries get the same answer.
 */
export function decideGrab(
  state: GrabState,
  previous: PreviousGrab | null,
  requestId: string,
  now: EpochMs,
  randomInt: RandomInt,
): GrabOutcome {
  if (previous) {
    return { status: previous.requestId === requestId ? "grabbed" : "already", amountCents: previous.amountCents };
  }
  if (now >= state.expiresAt) return { status: "expired" };
  const left = state.count - state.grabbedCount;
  if (left <= 0) return { status: "empty" };
  const remaining = state.amountCents - state.grabbedCents;
  return { status: "grabbed", amountCents: nextShare(remaining, left, { minCents: 1, maxCents: null }, randomInt) };
}

/** Ledger kinds and idempotency keys of group envelope money: one row per movement. */
export const GROUP_LEDGER = {
  send: { kind: "group-send", entryId: (groupId: string) => `group:${groupId}` },
  cancel: { kind: "group-cancel", entryId: (groupId: string) => `group-cancel:${groupId}` },
  grab: { kind: "group-grab", entryId: (groupId: string, userId: string) => `group-grab:${groupId}:${userId}` },
  refund: { kind: "group-refund", entryId: (groupId: string) => `group-refund:${groupId}` },
} as const;

/** What decides when an envelope next needs the repair. */
export interface DueState {
  openCents: Cents;
  expiresAt: EpochMs;
  oldestOwedAt: EpochMs | null;
}

/**
 * The earliest moment an envelope may need the repair: its expiry while anything is open (the
 * refund), and the oldest credit it owes the ledger (a send or a confirmation lost); null when
 * neither (refunded or emptied with nothing owed: its figures are final).
 */
export function groupDueAt(state: DueState): EpochMs | null {
  const open = state.openCents > 0 ? state.expiresAt : Infinity;
  const owed = state.oldestOwedAt ?? Infinity;
  const at = Math.min(open, owed);
  return at === Infinity ? null : at;
}
