/**
 * This isolate's edge leases (docs/money-flow.md, "Edge leases"): per phase and shard, the
 * envelopes it leased from that shard, the claims it issued from them and has not reported,
 * and the envelopes it will hand back. A candidate of an edge-lease phase takes an envelope
 * here with no call to any object; the isolate calls the shard (one `leaseExchange`: report,
 * hand back, lease anew) in the background of the request that finds a call due, never
 * making a request wait for another's call. Under issuance pacing the shard lends no pool
 * past its allowance, so a lease may hold less than asked. A candidate that finds no envelope
 * here falls back to the shard claim (shake-answer.ts), paced by the same per-pool allowance,
 * which counts what is out on lease.
 */
import { issuancePacing, leaseBlock, leaseReportMs, leaseTtlMs } from "../config";
import { DRY_RETRY_MS, eligibleIndex, leaseSize, MIN_LEASE, shouldCall, wantsLease, type SlotState } from "../domain/lease-terms";
import { mayTake, mergeSponsorsHeld } from "../domain/limits";
import { isLive } from "../domain/phase";
import { shardStub } from "../objects";
import type { Phase } from "../wire/index";
import type { LeasedClaim, LeasedEnvelope, LeaseWant } from "../wire/rpc";
import type { Background, Shake } from "./context";

/** An envelope lent to this isolate, with its lease. */
interface LentEnvelope extends LeasedEnvelope {
  leaseId: string;
  expiresAt: number;
}

interface Slot {
  phaseId: string;
  shard: number;
  startsAt: number;
  endsAt: number;
  envelopes: LentEnvelope[];
  want: number;
  unreported: LeasedClaim[];
  unused: Map<string, string[]>;
  calling: boolean;
  issuedSinceAsk: number;
  /** A candidate found nothing here since the last lease was asked for. */
  missed: boolean;
  /** The shard lent less than asked at the last ask: not asked again before this time. */
  dryUntil: number;
  /** The shard's last lease was shorter than asked (all it may lend now): candidates this isolate cannot answer get the greeting, not a shard claim. */
  short: boolean;
  askedAt: number;
}

const slots = new Map<string, Slot>();
/** Leased wins by user and request id: a retry on this isolate gets the same envelope. */
const answered = new Map<string, LeasedClaim>();
/** Sponsors of the leased wins this isolate issued, by gala and user: it never issues a second claim it knows breaks a limit. */
const issuedTo = new Map<string, string[]>();
const MAX_ANSWERS = 50_000;
/** Slots are swept for due calls (expired leases, old reports) at most this often. */
const SWEEP_EVERY_MS = 100;
let sweepAt = 0;
let isolateId = "";

/** Calls this isolate made to shards for leases, and those that failed (read by tests and the bench). */
export const leaseCalls = { made: 0, failed: 0 };

export type LeasedTake =
  { kind: "won"; claim: LeasedClaim } | { kind: "limit" } | { kind: "dry" } | { kind: "none"; sponsorsHeld: string[] };

function slotOf(phase: Phase, shard: number, now: number): Slot {
  const key = `${phase.id}|${shard}`;
  let slot = slots.get(key);
  if (!slot) {
    slot = {
      phaseId: phase.id,
      shard,
      startsAt: phase.startsAt,
      endsAt: phase.endsAt,
      envelopes: [],
      want: MIN_LEASE,
      unreported: [],
      unused: new Map(),
      calling: false,
      issuedSinceAsk: 0,
      missed: false,
      dryUntil: 0,
      short: false,
      askedAt: now,
    };
    slots.set(key, slot);
  }
  slot.startsAt = phase.startsAt;
  slot.endsAt = phase.endsAt;
  return slot;
}

/** Envelopes whose lease ran out are handed back on the next call. */
function expire(slot: Slot, now: number): void {
  if (slot.envelopes.length === 0 || slot.envelopes.every((e) => e.expiresAt > now)) return;
  const keep: LentEnvelope[] = [];
  for (const e of slot.envelopes) {
    if (e.expiresAt > now) keep.push(e);
    else slot.unused.set(e.leaseId, [...(slot.unused.get(e.leaseId) ?? []), e.envelopeId]);
  }
  slot.envelopes = keep;
}

async function exchange(env: Env, slot: Slot, now: number): Promise<void> {
  slot.calling = true;
  const claims = slot.unreported.splice(0);
  const unused = [...slot.unused].map(([leaseId, envelopeIds]) => ({ leaseId, envelopeIds }));
  slot.unused.clear();
  const rate = (slot.issuedSinceAsk * 1000) / Math.max(1, now - slot.askedAt);
  const count = leaseSize(rate, leaseBlock(env));
  const ask = wantsLease(stateOf(slot, now));
  const want: LeaseWant | null = ask
    ? {
        phaseId: slot.phaseId,
        count,
        expiresAt: Math.min(now + leaseTtlMs(env), slot.endsAt),
        window: issuancePacing(env) ? { startsAt: slot.startsAt, endsAt: slot.endsAt } : null,
      }
    : null;
  try {
    leaseCalls.made++;
    if (!isolateId) isolateId = crypto.randomUUID();
    const answer = await shardStub(env, slot.shard).leaseExchange({ isolateId, claims, unused, want, now });
    const lease = answer.lease;
    if (want) {
      slot.want = lease ? Math.min(count, Math.max(MIN_LEASE, lease.envelopes.length)) : count;
      // A lease shorter than asked: the shard lent all it may now (its pools at their allowance, or empty).
      slot.short = !lease || lease.envelopes.length < count;
      slot.dryUntil = slot.short ? now + DRY_RETRY_MS : 0;
      slot.askedAt = now;
      slot.issuedSinceAsk = 0;
      slot.missed = false;
    }
    if (lease) slot.envelopes.push(...lease.envelopes.map((e) => ({ ...e, leaseId: lease.leaseId, expiresAt: lease.expiresAt })));
    const voided = answer.recorded.filter((r) => r.status === "voided").length;
    if (voided > 0) console.warn("edge lease: claims voided when reported", slot.shard, voided);
  } catch (err) {
    // Reported again with the next call: recording is idempotent per claim id.
    leaseCalls.failed++;
    slot.unreported.unshift(...claims);
    for (const u of unused) slot.unused.set(u.leaseId, [...(slot.unused.get(u.leaseId) ?? []), ...u.envelopeIds]);
    console.warn("edge lease call failed", slot.shard, String(err));
  } finally {
    slot.calling = false;
  }
}

function stateOf(slot: Slot, now: number): SlotState {
  return {
    left: slot.envelopes.length,
    want: slot.want,
    unreported: slot.unreported.length,
    oldestUnreportedAt: slot.unreported[0]?.issuedAt ?? now,
    unused: slot.unused.size,
    live: isLive(slot, now),
    demand: slot.issuedSinceAsk > 0 || slot.missed,
    dry: now < slot.dryUntil,
    calling: slot.calling,
  };
}

function callIfDue(env: Env, background: Background, slot: Slot, now: number): void {
  expire(slot, now);
  if (shouldCall(stateOf(slot, now), now, leaseReportMs(env))) background.waitUntil(exchange(env, slot, now));
}

/** On any shake: reports, hand-backs and refills that came due, from this request's background. */
export function sweepLeases(env: Env, background: Background, now: number): void {
  if (now < sweepAt || slots.size === 0) return;
  sweepAt = now + SWEEP_EVERY_MS;
  for (const [key, slot] of slots) {
    callIfDue(env, background, slot, now);
    const idle = !slot.calling && slot.envelopes.length === 0 && slot.unreported.length === 0 && slot.unused.size === 0;
    if (idle && now >= slot.endsAt) slots.delete(key);
  }
}

/** The leased win this isolate answered to this user's request id, if it did. */
export function leasedAnswer(userId: string, requestId: string): LeasedClaim | undefined {
  return answered.get(`${userId}|${requestId}`);
}

/**
 * An envelope for this candidate from the lease of its shard: `won` with the claim to sign,
 * `limit` when the viewer's sponsors held (their signed holdings, merged with the wins this
 * isolate issued them) allow no more envelopes in the gala, `dry` when the shard lent less than asked at the last ask (every pool at its
 * allowance, or empty: the candidate gets the greeting with no call), `none` when this isolate holds
 * nothing they may take (the caller falls back to the shard claim, paced the same way, with
 * the sponsors held as this isolate knows them).
 */
export function takeLeased(shake: Shake, phase: Phase, sponsorsHeld: readonly string[]): LeasedTake {
  const { userId, requestId, shard, now } = shake;
  const key = `${userId}|${requestId}`;
  const earlier = answered.get(key);
  if (earlier) return { kind: "won", claim: earlier };
  const viewer = `${shake.timeline.galaId}|${userId}`;
  const held = mergeSponsorsHeld(sponsorsHeld, issuedTo.get(viewer) ?? []);
  if (!mayTake(held)) return { kind: "limit" };
  const slot = slotOf(phase, shard, now);
  expire(slot, now);
  const i = eligibleIndex(slot.envelopes, held);
  let claim: LeasedClaim | null = null;
  if (i >= 0) {
    const [e] = slot.envelopes.splice(i, 1);
    claim = {
      claimId: crypto.randomUUID(),
      leaseId: e.leaseId,
      shard,
      envelopeId: e.envelopeId,
      poolId: e.poolId,
      sponsorId: e.sponsorId,
      amountCents: e.amountCents,
      userId,
      requestId,
      phaseId: phase.id,
      galaId: shake.timeline.galaId,
      issuedAt: now,
    };
    slot.unreported.push(claim);
    slot.issuedSinceAsk++;
    if (answered.size >= MAX_ANSWERS) answered.clear();
    answered.set(key, claim);
    if (issuedTo.size >= MAX_ANSWERS) issuedTo.clear();
    issuedTo.set(viewer, [...(issuedTo.get(viewer) ?? []), e.sponsorId]);
  } else {
    slot.missed = true;
  }
  callIfDue(shake.env, shake.background, slot, now);
  if (claim) return { kind: "won", claim };
  return slot.short ? { kind: "dry" } : { kind: "none", sponsorsHeld: held };
}

/**
 * What an isolate's death does: everything it held is gone, unreported claims included (the
 * fault and model tests call it; the winners' clients still hold their signed claims).
 */
export function dropIsolateLeases(): void {
  slots.clear();
  answered.clear();
  issuedTo.clear();
}
