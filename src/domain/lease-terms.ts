/**
 * Pure rules of edge leases (docs/money-flow.md): which leased envelope a viewer may take
 * under the per-person limits of their holdings, how many envelopes an isolate asks for, and
 * when it calls its shard (refill, report, hand back).
 */
import { MAX_ENVELOPES_PER_USER, MAX_ENVELOPES_PER_USER_SPONSOR } from "./audit";

/** Index of the first envelope a viewer holding `held` (sponsor ids) may take, or -1. */
export function eligibleIndex(envelopes: readonly { sponsorId: string }[], held: readonly string[]): number {
  if (held.length >= MAX_ENVELOPES_PER_USER) return -1;
  return envelopes.findIndex((e) => held.filter((s) => s === e.sponsorId).length < MAX_ENVELOPES_PER_USER_SPONSOR);
}

/** Smallest lease an isolate asks for. */
export const MIN_LEASE = 8;
/** A lease should last about this long at the isolate's recent issue rate. */
export const LEASE_HORIZON_MS = 2000;

/** Envelopes to ask for: enough for LEASE_HORIZON_MS at the recent rate, within [MIN_LEASE, block]. */
export function leaseSize(issuedPerSec: number, block: number): number {
  return Math.max(Math.min(MIN_LEASE, block), Math.min(block, Math.ceil((issuedPerSec * LEASE_HORIZON_MS) / 1000)));
}

/** Claims an isolate holds before it reports them, and the longest it keeps one unreported. */
export const REPORT_BATCH = 32;
export const REPORT_AFTER_MS = 250;

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
  /** A call to the shard is already on its way. */
  calling: boolean;
}

/** Whether this shake should start a call to the shard (in the background). */
export function shouldCall(s: SlotState, now: number): boolean {
  if (s.calling) return false;
  if (s.live && s.left * 4 <= s.want) return true;
  if (s.unreported >= REPORT_BATCH || (s.unreported > 0 && now - s.oldestUnreportedAt >= REPORT_AFTER_MS)) return true;
  return s.unused > 0;
}

/**
 * Two accounts of one viewer's envelopes in a gala (sponsor ids, one per envelope) merged:
 * per sponsor the larger count. The shard's records and the signed holdings each may lack
 * wins the other has (a leased win not reported yet; a win on another device).
 */
export function mergeHoldings(a: readonly string[], b: readonly string[]): string[] {
  const count = (list: readonly string[], id: string) => list.filter((s) => s === id).length;
  return [...new Set([...a, ...b])].flatMap((id) => Array<string>(Math.max(count(a, id), count(b, id))).fill(id));
}
