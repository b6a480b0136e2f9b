/**
 * This isolate's edge leases (docs/money-flow.md, "Edge leases" and "Lease shards"): per
 * phase, the envelopes it leased, the claims it issued from them and has not reported, and
 * the envelopes it will hand back. It leases from one lease shard picked for the isolate
 * (src/domain/lease-terms.ts `leaseShardsOf`), whoever its viewers are, and from a fallback
 * shard when that one lends less than asked (walking on to the next shards while they lend
 * something: `nextAsk`); a claim names its lease shard and the viewer's home shard, and is
 * reported to the lease shard, which merges it into the home. A candidate of an edge-lease
 * phase takes an envelope here with no call to any object; the isolate calls its lease shards
 * (one `leaseExchange` each: report, hand back, lease anew) in the background of the request
 * that finds a call due, never making a request wait for another's call. Under issuance
 * pacing the shard lends no pool past its allowance, so a lease may hold less than asked. A
 * candidate falls back to the shard claim (shake-answer.ts, paced by the same per-pool
 * allowance, which counts what is out on lease) only while the isolate has had no lease answer
 * in the phase yet, or when the envelopes it holds are all of sponsors the viewer holds; once
 * it has had an answer, a candidate that finds its lease empty gets the greeting with no call
 * (the refill is on its way, or the shards lent all they may now), and counts as demand for
 * the next lease's size.
 */
import { issuancePacing, leaseBlock, leaseReportMs, leaseTtlMs, shardCount } from "../config";
import {
  eligibleIndex,
  issueRate,
  leaseShardsOf,
  leaseSize,
  MIN_LEASE,
  nextAsk,
  shouldCall,
  wantsLease,
  type SlotState,
} from "../domain/lease-terms";
import { mayTake, mergeSponsorsHeld } from "../domain/limits";
import { isLive } from "../domain/phase";
import { shardStub } from "../objects";
import type { Phase } from "../wire/index";
import type { LeasedClaim, LeasedEnvelope, LeaseExchangeAnswer, LeaseWant } from "../wire/rpc";
import type { Background, Shake } from "./context";

/** An envelope lent to this isolate, with its lease and the shard that lent it. */
interface LentEnvelope extends LeasedEnvelope {
  leaseId: string;
  shard: number;
  expiresAt: number;
}

interface Slot {
  phaseId: string;
  /** This isolate's lease shards in the phase: its primary and its fallback (which moves on after its short answers). */
  leaseShards: [number, number];
  /** Where the next lease is asked for: 0 the primary, 1 the fallback. */
  asking: 0 | 1;
  startsAt: number;
  endsAt: number;
  envelopes: LentEnvelope[];
  want: number;
  unreported: LeasedClaim[];
  /** Envelopes to hand back, by lease id, with the shard that lent them. */
  unused: Map<string, { shard: number; envelopeIds: string[] }>;
  calling: boolean;
  issuedSinceAsk: number;
  /** A candidate found nothing here since the last lease was asked for. */
  missed: boolean;
  /** A lease shard answered an ask of this slot (its first candidates, before any answer, fall back to the shard claim). */
  answered: boolean;
  /** The shard lent less than asked at the last ask: not asked again before this time. */
  dryUntil: number;
  /** The shard's last lease was shorter than asked (all it may lend now): candidates this isolate cannot answer get the greeting, not a shard claim. */
  short: boolean;
  askedAt: number;
}

/** What one isolate holds (its module state); tests play several isolates in one by switching it (`actAsIsolate`). */
interface IsolateBook {
  /** Made lazily in a handler (module scope may not call crypto.randomUUID()). */
  id: string;
  /** By phase id. */
  slots: Map<string, Slot>;
  /** Leased wins by user and request id: a retry on this isolate gets the same envelope. */
  answered: Map<string, LeasedClaim>;
  /** Sponsors of the leased wins this isolate issued, by gala and user: it never issues a second claim it knows breaks a limit. */
  issuedTo: Map<string, string[]>;
  /** Slots are swept for due calls (expired leases, old reports) at most every SWEEP_EVERY_MS. */
  sweepAt: number;
}

const newBook = (): IsolateBook => ({ id: "", slots: new Map(), answered: new Map(), issuedTo: new Map(), sweepAt: 0 });
let book = newBook();
const books = new Map<string, IsolateBook>();
const MAX_ANSWERS = 50_000;
const SWEEP_EVERY_MS = 100;

/** Calls this isolate made to shards for leases, and those that failed (read by tests and the bench). */
export const leaseCalls = { made: 0, failed: 0 };

export type LeasedTake =
  { kind: "won"; claim: LeasedClaim } | { kind: "limit" } | { kind: "dry" } | { kind: "none"; sponsorsHeld: string[] };

function isolateId(): string {
  if (!book.id) book.id = crypto.randomUUID();
  return book.id;
}

function slotOf(env: Env, phase: Phase, now: number): Slot {
  let slot = book.slots.get(phase.id);
  if (!slot) {
    slot = {
      phaseId: phase.id,
      leaseShards: leaseShardsOf(isolateId(), phase.id, shardCount(env)),
      asking: 0,
      startsAt: phase.startsAt,
      endsAt: phase.endsAt,
      envelopes: [],
      want: MIN_LEASE,
      unreported: [],
      unused: new Map(),
      calling: false,
      issuedSinceAsk: 0,
      missed: false,
      answered: false,
      dryUntil: 0,
      short: false,
      askedAt: now,
    };
    book.slots.set(phase.id, slot);
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
    else handBack(slot, e.leaseId, e.shard, [e.envelopeId]);
  }
  slot.envelopes = keep;
}

function handBack(slot: Slot, leaseId: string, shard: number, envelopeIds: string[]): void {
  const known = slot.unused.get(leaseId);
  slot.unused.set(leaseId, { shard, envelopeIds: [...(known?.envelopeIds ?? []), ...envelopeIds] });
}

/** One call to a shard: report its claims and hand back its envelopes (and ask it for a lease: `want`); on failure, all kept for the next call. */
async function call(env: Env, slot: Slot, shard: number, want: LeaseWant | null, now: number): Promise<LeaseExchangeAnswer | null> {
  const claims = slot.unreported.filter((c) => c.shard === shard);
  slot.unreported = slot.unreported.filter((c) => c.shard !== shard);
  const unused = [...slot.unused].filter(([, u]) => u.shard === shard).map(([leaseId, u]) => ({ leaseId, envelopeIds: u.envelopeIds }));
  for (const u of unused) slot.unused.delete(u.leaseId);
  try {
    leaseCalls.made++;
    const answer = await shardStub(env, shard).leaseExchange({ isolateId: isolateId(), claims, unused, want, now });
    const voided = answer.recorded.filter((r) => r.status === "voided").length;
    if (voided > 0) console.warn("edge lease: claims voided when reported", shard, voided);
    return answer;
  } catch (err) {
    // Reported again with the next call: recording is idempotent per claim id.
    leaseCalls.failed++;
    slot.unreported.unshift(...claims);
    for (const u of unused) handBack(slot, u.leaseId, shard, u.envelopeIds);
    console.warn("edge lease call failed", shard, String(err));
    return null;
  }
}

async function exchange(env: Env, slot: Slot, now: number): Promise<void> {
  slot.calling = true;
  // Candidates since the last ask (issued, or met an empty lease): the next lease is sized for all of them.
  const count = leaseSize(issueRate(slot.issuedSinceAsk, now - slot.askedAt), leaseBlock(env));
  const ask = wantsLease(stateOf(slot, now));
  const want: LeaseWant | null = ask
    ? {
        phaseId: slot.phaseId,
        count,
        expiresAt: Math.min(now + leaseTtlMs(env), slot.endsAt),
        window: issuancePacing(env) ? { startsAt: slot.startsAt, endsAt: slot.endsAt } : null,
      }
    : null;
  // The lease shard, with the lease asked for; any other shard this slot owes a report or a hand-back, without.
  const leaseShard = slot.leaseShards[slot.asking];
  const others = new Set([...slot.unreported.map((c) => c.shard), ...[...slot.unused.values()].map((u) => u.shard)]);
  others.delete(leaseShard);
  try {
    const [answer] = await Promise.all([
      call(env, slot, leaseShard, want, now),
      ...[...others].map((shard) => call(env, slot, shard, null, now)),
    ]);
    if (!answer || !want) return;
    const lease = answer.lease;
    slot.want = lease ? Math.min(count, Math.max(MIN_LEASE, lease.envelopes.length)) : count;
    // A lease shorter than asked: the shard lent all it may now (its pools at their allowance, or
    // empty); where the next ask goes, and when: lease-terms.ts `nextAsk`.
    const lent = lease?.envelopes.length ?? 0;
    slot.short = lent < count;
    Object.assign(slot, nextAsk(slot, lent, count, shardCount(env), now));
    slot.askedAt = now;
    slot.issuedSinceAsk = 0;
    slot.missed = false;
    slot.answered = true;
    if (lease) {
      slot.envelopes.push(
        ...lease.envelopes.map((e) => ({ ...e, leaseId: lease.leaseId, shard: lease.shard, expiresAt: lease.expiresAt })),
      );
    }
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
  if (now < book.sweepAt || book.slots.size === 0) return;
  book.sweepAt = now + SWEEP_EVERY_MS;
  for (const [key, slot] of book.slots) {
    callIfDue(env, background, slot, now);
    const idle = !slot.calling && slot.envelopes.length === 0 && slot.unreported.length === 0 && slot.unused.size === 0;
    if (idle && now >= slot.endsAt) book.slots.delete(key);
  }
}

/** The leased win this isolate answered to this user's request id, if it did. */
export function leasedAnswer(userId: string, requestId: string): LeasedClaim | undefined {
  return book.answered.get(`${userId}|${requestId}`);
}

/**
 * An envelope for this candidate from this isolate's lease of the phase: `won` with the claim to sign,
 * `limit` when the viewer's sponsors held (their signed holdings, merged with the wins this
 * isolate issued them) allow no more envelopes in the gala, `dry` when the shard lent less than asked at the last ask (every pool at its
 * allowance, or empty: the candidate gets the greeting with no call), `none` when this isolate holds
 * nothing they may take (the caller falls back to the shard claim, paced the same way, with
 * the sponsors held as this isolate knows them).
 */
export function takeLeased(shake: Shake, phase: Phase, sponsorsHeld: readonly string[]): LeasedTake {
  const { userId, requestId, shard, now } = shake;
  const key = `${userId}|${requestId}`;
  const earlier = book.answered.get(key);
  if (earlier) return { kind: "won", claim: earlier };
  const viewer = `${shake.timeline.galaId}|${userId}`;
  const held = mergeSponsorsHeld(sponsorsHeld, book.issuedTo.get(viewer) ?? []);
  if (!mayTake(held)) return { kind: "limit" };
  const slot = slotOf(shake.env, phase, now);
  expire(slot, now);
  const i = eligibleIndex(slot.envelopes, held);
  let claim: LeasedClaim | null = null;
  if (i >= 0) {
    const [e] = slot.envelopes.splice(i, 1);
    claim = {
      claimId: crypto.randomUUID(),
      leaseId: e.leaseId,
      shard: e.shard,
      homeShard: shard,
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
    if (book.answered.size >= MAX_ANSWERS) book.answered.clear();
    book.answered.set(key, claim);
    if (book.issuedTo.size >= MAX_ANSWERS) book.issuedTo.clear();
    book.issuedTo.set(viewer, [...(book.issuedTo.get(viewer) ?? []), e.sponsorId]);
  } else {
    slot.missed = true;
    if (slot.envelopes.length === 0) slot.issuedSinceAsk++;
  }
  callIfDue(shake.env, shake.background, slot, now);
  if (claim) return { kind: "won", claim };
  // The shard claim offers other sponsors, or answers before the isolate's first lease arrives; an empty lease after that answers the greeting.
  const fallBack = !slot.short && (slot.envelopes.length > 0 || !slot.answered);
  return fallBack ? { kind: "none", sponsorsHeld: held } : { kind: "dry" };
}

/**
 * What an isolate's death does: everything it held is gone, unreported claims included (the
 * fault and model tests call it; the winners' clients still hold their signed claims).
 */
export function dropIsolateLeases(): void {
  for (const [name, known] of books) if (known === book) books.delete(name);
  book = newBook();
}

/**
 * Makes this module act as the isolate named `name` from now on (a fresh one the first time),
 * with its own id, leases and unreported claims: how a workerd test plays several edge
 * isolates against the same objects. Tests only.
 */
export function actAsIsolate(name: string): void {
  let named = books.get(name);
  if (!named) {
    named = newBook();
    books.set(name, named);
  }
  book = named;
}
