/**
 * Pure rules of edge leases (docs/money-flow.md): which leased envelope a viewer may take
 * under the per-person limits of their holdings, how many envelopes an isolate asks for, which
 * lease shard it asks, and when it calls (refill, report, hand back).
 */
import { fnv1a } from "./hash";
import { mayTake } from "./limits";

/** Index of the first envelope a viewer holding `sponsorsHeld` may take under the limits, or -1. */
export function eligibleIndex(envelopes: readonly { sponsorId: string }[], sponsorsHeld: readonly string[]): number {
  return envelopes.findIndex((e) => mayTake(sponsorsHeld, e.sponsorId));
}

/** Smallest lease an isolate asks for. */
export const MIN_LEASE = 8;
/**
 * A lease should last about this long at the isolate's recent issue rate: long enough that a
 * lease call carries tens of envelopes, short enough that the stock lent out stays within 2 %
 * of a phase's envelopes at the reference gala (docs/capacity.md, "Lease shards").
 */
export const LEASE_HORIZON_MS = 4500;

/**
 * Candidates per second over the `sinceAskMs` since a slot's last ask. None when no time has
 * passed: a slot's first ask goes out with the shake that opened it, and one candidate over
 * zero milliseconds is no rate (read as 1,000 a second, it asked for the whole block and
 * emptied the viewer's own shard when that was the lease shard, so the shard claim of that
 * same first shake found no stock).
 */
export function issueRate(candidates: number, sinceAskMs: number): number {
  return sinceAskMs > 0 ? (candidates * 1000) / sinceAskMs : 0;
}

/** Envelopes to ask for: enough for LEASE_HORIZON_MS at the recent rate, within [MIN_LEASE, block]. */
export function leaseSize(issuedPerSec: number, block: number): number {
  return Math.max(Math.min(MIN_LEASE, block), Math.min(block, Math.ceil((issuedPerSec * LEASE_HORIZON_MS) / 1000)));
}

/**
 * Claims an isolate holds before it reports them (the longest it keeps one unreported is
 * LEASE_REPORT_MS). Reports mostly ride on the call that renews a lease; a winner's client
 * keeps the signed claim meanwhile, so a later report loses nothing.
 */
export const REPORT_BATCH = 64;

export interface SlotState {
  /** Envelopes still lent to this isolate and not yet issued. */
  left: number;
  /** What the isolate last asked for. */
  want: number;
  /** Issued claims not reported yet, and when the oldest was issued. */
  unreported: number;
  oldestUnreportedAt: number;
  /** Envelopes to hand back (their lease ran out). */
  unused: number;
  /** The phase is live: a new lease may be asked for. */
  live: boolean;
  /** Candidates came since the last lease was asked for (issued from it, or found nothing): an idle isolate asks for none. */
  demand: boolean;
  /** The shard lent nothing at the last ask (no stock, phase closed there): it is not asked again for DRY_RETRY_MS. */
  dry: boolean;
  /** A call to the shard is already on its way. */
  calling: boolean;
}

/**
 * Whether the next call should ask for a new lease: the phase is live, candidates come, and
 * half of the last lease is gone (the other half covers the call's round trip).
 */
export function wantsLease(s: Pick<SlotState, "live" | "demand" | "dry" | "left" | "want">): boolean {
  return s.live && s.demand && !s.dry && s.left * 2 <= s.want;
}

/** How long an isolate waits before asking a shard that lent nothing for a lease again. */
export const DRY_RETRY_MS = 1000;

/** Whether this shake should start a call to the shard (in the background); `reportAfterMs`: LEASE_REPORT_MS. */
export function shouldCall(s: SlotState, now: number, reportAfterMs: number): boolean {
  if (s.calling) return false;
  if (wantsLease(s)) return true;
  if (s.unreported >= REPORT_BATCH || (s.unreported > 0 && now - s.oldestUnreportedAt >= reportAfterMs)) return true;
  return s.unused > 0;
}

/**
 * The lease shards an isolate asks in a phase: picked from the isolate's id, whoever its
 * viewers are, so isolates spread over the shards and each leases from two at a time, not from
 * every viewer's home shard: its primary, and a fallback (first the next shard) when the
 * primary lends less than asked.
 */
export function leaseShardsOf(isolateId: string, phaseId: string, shardCount: number): [primary: number, fallback: number] {
  const primary = fnv1a(`${isolateId}|${phaseId}`) % shardCount;
  return [primary, (primary + 1) % shardCount];
}

/** Where an isolate asks for its next lease: its lease shards, which of them (0 the primary, 1 the fallback), and not before when. */
export interface NextAsk {
  leaseShards: [primary: number, fallback: number];
  asking: 0 | 1;
  dryUntil: number;
}

/**
 * After a lease answer that lent `lent` of the `asked` envelopes: a full answer sends the next
 * ask to the primary. A short one (the shard lent all it may now: its pools at their allowance,
 * or empty) from the primary sends it to the fallback at once. A short fallback moves the
 * fallback on to the next shard (never the primary): at once while the shards lend something,
 * so an isolate that has the demand walks on over shards whose allowance nobody else takes (with
 * fewer isolates than shards, the shares of shards no isolate has as its primary are lent along
 * their allowance too); after one that lent nothing, back to the primary after DRY_RETRY_MS. Where
 * every shard's allowance is taken (many isolates, paced pools) an isolate asks two shards a round.
 */
export function nextAsk(at: Omit<NextAsk, "dryUntil">, lent: number, asked: number, shardCount: number, now: number): NextAsk {
  const [primary, fallback] = at.leaseShards;
  if (lent >= asked) return { leaseShards: at.leaseShards, asking: 0, dryUntil: 0 };
  if (at.asking === 0) return { leaseShards: at.leaseShards, asking: 1, dryUntil: 0 };
  let next = (fallback + 1) % shardCount;
  if (next === primary && shardCount > 1) next = (next + 1) % shardCount;
  return lent > 0
    ? { leaseShards: [primary, next], asking: 1, dryUntil: 0 }
    : { leaseShards: [primary, next], asking: 0, dryUntil: now + DRY_RETRY_MS };
}
