/**
 * A pool shard's edge leases (docs/money-flow.md, "Edge leases", "Lease shards"): blocks of a
 * phase's envelopes lent to one edge isolate, which answers wins from them with no call and
 * reports the claims afterwards. The only writer of `leases`, `leased_envelopes` and
 * `lease_counters`; plain methods over the shard's SQLite storage, run inside its transactions.
 *
 * An envelope is in one place: in stock (stock.ts), lent (`leased_envelopes`), or claimed
 * (claims.ts). A reported claim is recorded here when this shard is the viewer's home, else
 * queued for a merge into the home (merges.ts; its envelope stays lent until the home answers:
 * `mergeIn` there, `settleMerges` here). The home records each claim once, the limits checked
 * exactly against its claims by issue order (src/domain/merge-order.ts: a later claim not final yet is displaced by an earlier
 * one) in its pool, made known there first (stock.ts `know`), or voids it (voided-claims.ts); a voided claim's envelope goes
 * back to the stock of the shard holding it, as do envelopes handed back and those of a lease past `return_after`. Under issuance pacing a grant lends no pool past its allowance (pool-pacing.ts): lent envelopes count as issued.
 */
import { mergeByIssueOrder } from "../../src/domain/merge-order";
import { shuffled } from "../../src/domain/random";
import type {
  LeasedClaim,
  LeasedEnvelope,
  LeaseExchange,
  LeaseExchangeAnswer,
  LeaseGrant,
  LeaseWant,
  MergeOutcome,
  RecordOutcome,
  ShardLeaseFigures,
  VoidReason,
} from "../../src/wire/rpc";
import * as claimState from "./claim-state";
import type { Claims } from "./claims";
import type { Merges } from "./merges";
import type { PhaseWindows } from "./phase-windows";
import type { PoolPacing } from "./pool-pacing";
import type { Stock, StockEnvelope } from "./stock";
import { VoidedClaims } from "./voided-claims";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (
  lease_id TEXT PRIMARY KEY,
  phase_id TEXT NOT NULL,
  isolate_id TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  return_after INTEGER NOT NULL,
  returned_at INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leased_envelopes (
  envelope_id TEXT PRIMARY KEY,
  lease_id TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS leased_envelopes_lease ON leased_envelopes(lease_id);
CREATE INDEX IF NOT EXISTS leases_expiry ON leases(expires_at);
CREATE TABLE IF NOT EXISTS lease_counters (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Envelopes lent more than once, or lent while also in stock or claimed (always 0 unless broken). */
export const LEASE_DUPLICATES_SQL = `SELECT
  (SELECT COUNT(*) FROM leased_envelopes e JOIN envelopes s ON s.envelope_id = e.envelope_id) +
  (SELECT COUNT(*) FROM leased_envelopes e JOIN claims c ON c.envelope_id = e.envelope_id) AS v`;

/** What a lease is granted under: this shard, and how long after expiry its claims may still be presented. */
export interface LeaseTerms {
  shard: number;
  presentMs: number;
}

/** What leases of a phase still hold, after the overdue ones came back. */
export interface LeasesOut {
  returned: number;
  holding: number;
  dueAt: number | null;
}

export class Leases {
  #sql: SqlStorage;
  #stock: Stock;
  #claims: Claims;
  #windows: PhaseWindows;
  #pacing: PoolPacing;
  #merges: Merges;
  #voids: VoidedClaims;
  #shard: () => number;
  #horizonMs: number; // how long after its issue a recorded claim can still be displaced (MERGE_HORIZON_MS)

  constructor(
    sql: SqlStorage,
    parts: { stock: Stock; claims: Claims; windows: PhaseWindows; pacing: PoolPacing; merges: Merges },
    shard: () => number,
    horizonMs: number,
  ) {
    this.#sql = sql;
    ({ stock: this.#stock, claims: this.#claims, windows: this.#windows, pacing: this.#pacing, merges: this.#merges } = parts);
    this.#voids = new VoidedClaims(sql);
    this.#shard = shard;
    this.#horizonMs = horizonMs;
    sql.exec(SCHEMA);
  }

  /** One call from an edge isolate: record its claims, take back what it will not issue, lend a new block. */
  exchange(exchange: LeaseExchange, terms: LeaseTerms, now: number): LeaseExchangeAnswer {
    this.#bump("calls", 1);
    const recorded = this.record(exchange.claims, now);
    for (const unused of exchange.unused) {
      this.#backToStock(
        "lease_id = ? AND envelope_id IN (SELECT value FROM json_each(?))",
        [unused.leaseId, JSON.stringify(unused.envelopeIds)],
        now,
      );
    }
    const { want } = exchange;
    const lease =
      want && this.#windows.open(want.phaseId, now)
        ? this.#grant({
            leaseId: crypto.randomUUID(),
            phaseId: want.phaseId,
            isolateId: exchange.isolateId,
            count: want.count,
            window: want.window,
            now,
            expiresAt: want.expiresAt,
            ...terms,
          })
        : null;
    return { recorded, lease };
  }

  /** Takes in leased claims this shard lent for, each once, in order: recorded here (their home), else queued for the merge (`merging`). */
  record(claims: readonly LeasedClaim[], now: number): RecordOutcome[] {
    const displaced = new Set<string>();
    // Each claim is answered as it stands after the call: one that a later, earlier-issued claim of the call displaced is voided.
    const outcomes = claims
      .map((claim) => this.#recordOne(claim, now, displaced))
      .map((o): RecordOutcome =>
        o.status === "recorded" && displaced.has(o.claimId) ? { claimId: o.claimId, status: "voided", reason: "limit" } : o,
      );
    this.#bump("recorded", outcomes.filter((o) => o.status === "recorded").length);
    return outcomes;
  }

  /**
   * As the home shard: records other loans' claims once each, checked as its own (request id, limits by issue order), or voids them;
   * one bringing an envelope leased here for a claim waiting to merge is that claim's lost answer, applied first (money-flow.md).
   */
  mergeIn(claims: readonly LeasedClaim[], now: number): MergeOutcome[] {
    for (const pool of new Map(claims.map((c) => [c.poolId, c])).values()) this.#stock.know(pool);
    const outcomes = claims.map((claim): MergeOutcome => {
      const [known, atHome] = [this.#voids.reasonOf(claim.claimId), this.#merges.isMergedIn(claim.claimId)];
      const lost = !atHome && !known && claim.shard !== this.#shard() && this.#merges.waitingWith(claim.envelopeId);
      if (lost) this.settleMerges([{ claimId: lost, status: "recorded", envelopeAtHome: true }], now);
      // A claim known here answers as before; a new one is checked, then recorded (its envelope merged in) or voided.
      const reason = atHome || known ? known : this.#admit(claim, now, () => this.#merges.mergedIn(claim, now));
      if (reason && !atHome && !known) this.#void(claim, reason, now, false);
      const { claimId } = claim;
      return reason ? { claimId, status: "voided", reason, envelopeAtHome: atHome } : { claimId, status: "recorded", envelopeAtHome: true };
    });
    this.#bump("recorded", outcomes.filter((o) => o.status === "recorded").length);
    return outcomes;
  }

  /** As the lease shard: applies the home's answers to claims waiting for their merge (each once; answers to claims not waiting change nothing). */
  settleMerges(outcomes: readonly MergeOutcome[], now: number): void {
    for (const outcome of outcomes) {
      const claim = this.#merges.take(outcome.claimId);
      if (!claim) continue;
      if (outcome.envelopeAtHome) {
        this.#sql.exec("DELETE FROM leased_envelopes WHERE envelope_id = ? AND lease_id = ?", claim.envelopeId, claim.leaseId);
        this.#merges.mergedOut(claim, now);
      } else if (outcome.status === "voided") {
        this.#backToStock("envelope_id = ? AND lease_id = ?", [claim.envelopeId, claim.leaseId], now);
        this.#merges.voidedAtHome(claim.claimId, outcome.reason, now);
      }
    }
  }

  /**
   * Returns leases past their deadline to stock, then tells what leases of `phaseId` (all with null) still hold and when
   * the last is due back, its claims not final yet counted as held; its close asks, so `phaseId` is shut here from now on.
   */
  returnOverdue(phaseId: string | null, now: number): LeasesOut {
    if (phaseId !== null) this.#windows.shut(phaseId, now);
    // A reported claim waiting for its home's answer keeps its envelope leased until then.
    const returned = this.#backToStock(
      `lease_id IN (SELECT lease_id FROM leases WHERE return_after <= ? AND returned_at IS NULL)
         AND envelope_id NOT IN (SELECT envelope_id FROM merge_outbox)`,
      [now],
      now,
    );
    const out = this.outstanding().filter((l) => phaseId === null || l.phaseId === phaseId);
    // A claim not final yet (here, or at the home it was merged out to) may still be displaced, its envelope back in the phase's stock.
    const open = phaseId === null ? [] : [...this.#claims.notFinal(phaseId, now), ...this.#merges.notFinalOut(phaseId, now)];
    const due = [...out.map((l) => l.returnAfter), ...open];
    return {
      returned,
      holding: out.reduce((n, l) => n + l.count, 0) + open.length,
      dueAt: due.length ? Math.max(...due) : null,
    };
  }

  /** Why a claim id of this user was voided, with the claim that won its request id if any; null when it was not. */
  voided(userId: string, claimId: string): { reason: VoidReason; survivor: string | null } | null {
    const row = this.#voids.ofUser(userId, claimId);
    return row && { reason: row.reason, survivor: this.#claims.claimOfRequest(userId, row.requestId) };
  }

  /** Leases still holding envelopes, with what they hold. */
  outstanding(): ShardLeaseFigures[] {
    return this.#sql
      .exec<{ lease_id: string; phase_id: string; return_after: number; n: number; cents: number }>(
        `SELECT l.lease_id, l.phase_id, l.return_after, COUNT(*) AS n, SUM(e.amount) AS cents
           FROM leased_envelopes e JOIN leases l ON l.lease_id = e.lease_id GROUP BY l.lease_id`,
      )
      .toArray()
      .map((r) => ({ leaseId: r.lease_id, phaseId: r.phase_id, returnAfter: r.return_after, count: r.n, cents: r.cents }));
  }

  /** Counts calls this shard made to home shards merging claims of its loans (merge-flush.ts). */
  mergeCalls(n: number): void {
    this.#bump("merge_calls", n);
  }

  /** Lease calls, merge calls made and recorded claims (voided claims are counted by totals.ts). */
  counters(): { calls: number; mergeCalls: number; recorded: number } {
    const counters = new Map(
      this.#sql
        .exec<{ name: string; n: number }>("SELECT name, n FROM lease_counters")
        .toArray()
        .map((r) => [r.name, r.n]),
    );
    return { calls: counters.get("calls") ?? 0, mergeCalls: counters.get("merge_calls") ?? 0, recorded: counters.get("recorded") ?? 0 };
  }

  #bump(name: "calls" | "merge_calls" | "recorded", by: number): void {
    if (by === 0) return;
    this.#sql.exec("INSERT INTO lease_counters (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n", name, by);
  }

  /**
   * Lends up to `count` envelopes of the phase's stocked pools, shared among the pools by
   * what each may still hand out (its stock, or under pacing (`window`) its headroom), in
   * random order: `count` of them whenever the pools may hand out that many, so a shorter
   * lease tells the isolate there is no more to lend now. Null when there is none.
   */
  #grant(
    t: LeaseTerms & {
      leaseId: string;
      phaseId: string;
      isolateId: string;
      count: number;
      window: LeaseWant["window"];
      now: number;
      expiresAt: number;
    },
  ): LeaseGrant | null {
    const headroom = t.window ? this.#pacing.headroom(t.phaseId, t.window, t.now) : null;
    const lendable = this.#stock
      .stocked(t.phaseId)
      .map((pool) => ({ pool, cap: Math.min(pool.remaining, headroom ? (headroom.get(pool.poolId) ?? 0) : pool.remaining) }))
      .filter((p) => p.cap > 0);
    const total = lendable.reduce((n, p) => n + p.cap, 0);
    if (total === 0 || t.count <= 0) return null;
    const want = Math.min(t.count, total);
    // Each pool's share of `want` by what it may hand out, rounded down; the rest from the pools with room left.
    const shares = shuffled(lendable).map((p) => ({ ...p, take: Math.floor((want * p.cap) / total) }));
    let rest = want - shares.reduce((n, p) => n + p.take, 0);
    for (const p of shares) {
      const more = Math.min(p.cap - p.take, rest);
      p.take += more;
      rest -= more;
    }
    const envelopes: LeasedEnvelope[] = [];
    for (const { pool, take } of shares) {
      const lent = this.#stock.lend(pool, take);
      this.#pacing.issued(t.phaseId, pool.poolId, lent.length);
      for (const e of lent) {
        this.#sql.exec(
          "INSERT INTO leased_envelopes (envelope_id, lease_id, pool_id, amount) VALUES (?, ?, ?, ?)",
          e.envelopeId,
          t.leaseId,
          e.poolId,
          e.amount,
        );
        envelopes.push({ envelopeId: e.envelopeId, poolId: e.poolId, sponsorId: pool.sponsorId, amountCents: e.amount });
      }
    }
    if (envelopes.length === 0) return null;
    this.#sql.exec(
      `INSERT INTO leases (lease_id, phase_id, isolate_id, granted_at, expires_at, return_after) VALUES (?, ?, ?, ?, ?, ?)`,
      t.leaseId,
      t.phaseId,
      t.isolateId,
      t.now,
      t.expiresAt,
      t.expiresAt + t.presentMs,
    );
    return { leaseId: t.leaseId, phaseId: t.phaseId, shard: t.shard, expiresAt: t.expiresAt, envelopes: shuffled(envelopes) };
  }

  /** Moves lent envelopes back to stock (those matching `where`), marking leases left empty returned; returns how many. */
  #backToStock(where: string, args: SqlStorageValue[], now: number): number {
    const rows = this.#sql
      .exec<{ lease_id: string; envelope_id: string; pool_id: string; amount: number }>(
        `DELETE FROM leased_envelopes WHERE ${where} RETURNING lease_id, envelope_id, pool_id, amount`,
        ...args,
      )
      .toArray();
    this.#stock.restock(rows.map((r): StockEnvelope => ({ envelopeId: r.envelope_id, poolId: r.pool_id, amount: r.amount })));
    for (const leaseId of new Set(rows.map((r) => r.lease_id))) {
      this.#sql.exec(
        `UPDATE leases SET returned_at = ? WHERE lease_id = ? AND returned_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM leased_envelopes WHERE lease_id = ?)`,
        now,
        leaseId,
        leaseId,
      );
    }
    return rows.length;
  }

  #void(claim: LeasedClaim, reason: VoidReason, now: number, returnEnvelope: boolean): RecordOutcome & { status: "voided" } {
    if (returnEnvelope) this.#backToStock("envelope_id = ? AND lease_id = ?", [claim.envelopeId, claim.leaseId], now);
    this.#voids.add(claim, reason, now);
    return { claimId: claim.claimId, status: "voided", reason };
  }

  /**
   * A recorded claim, not final yet, displaced by an earlier-issued claim of the same person
   * (src/domain/merge-order.ts): voided (`limit`), its envelope back in stock, its settlement
   * state dropped (a claim is never sent before it is final, so nothing of it reached the queue).
   */
  #displace(claimId: string, now: number): void {
    // Its settlement state first: the running totals (totals.ts) read the claim row when a state row goes.
    claimState.forget(this.#sql, [claimId]);
    const held = this.#claims.displace(claimId, now);
    this.#stock.restock([{ envelopeId: held.envelopeId, poolId: held.poolId, amount: held.amount }]);
    const { userId, requestId, envelopeId, poolId, amount } = held;
    this.#voids.add({ claimId, userId, requestId, leaseId: "", envelopeId, poolId, amountCents: amount }, "limit", now);
  }

  #recordOne(claim: LeasedClaim, now: number, displaced: Set<string>): RecordOutcome {
    const known = this.#sql
      .exec<{ known: number | null; voided: VoidReason | null; expires_at: number | null }>(
        `SELECT (SELECT 1 FROM claims WHERE claim_id = ?1) AS known,
                (SELECT reason FROM voided_claims WHERE claim_id = ?1) AS voided,
                (SELECT l.expires_at FROM leased_envelopes e JOIN leases l ON l.lease_id = e.lease_id
                  WHERE e.envelope_id = ?2 AND e.lease_id = ?3) AS expires_at`,
        claim.claimId,
        claim.envelopeId,
        claim.leaseId,
      )
      .one();
    if (known.known !== null) return { claimId: claim.claimId, status: "recorded" };
    if (known.voided !== null) return { claimId: claim.claimId, status: "voided", reason: known.voided };
    const merge = this.#merges.outcome(claim.claimId);
    if (merge) return merge;
    // The lease no longer holds the envelope: it went back to stock after the deadline.
    if (known.expires_at === null) return this.#void(claim, "late", now, false);
    if (claim.issuedAt > known.expires_at) return this.#void(claim, "expired", now, true);
    if (claim.homeShard !== this.#shard()) {
      this.#merges.queue(claim, now);
      return { claimId: claim.claimId, status: "merging" };
    }
    const takeEnvelope = () => this.#sql.exec("DELETE FROM leased_envelopes WHERE envelope_id = ?", claim.envelopeId);
    const reason = this.#admit(claim, now, takeEnvelope, displaced);
    return reason ? this.#void(claim, reason, now, true) : { claimId: claim.claimId, status: "recorded" };
  }

  /** The home's checks of a leased claim, then its record (envelope taken by `takeEnvelope`, later claims not final displaced): null, or why voided. */
  #admit(claim: LeasedClaim, now: number, takeEnvelope: () => void, displaced?: Set<string>): VoidReason | null {
    const { answered } = this.#claims.user(claim);
    if (answered?.status === "won") return "request";
    const merge = mergeByIssueOrder(this.#claims.heldInGala(claim.userId, claim.galaId), claim, now);
    if (!merge.keep) return "limit";
    for (const claimId of merge.displace) {
      this.#displace(claimId, now);
      displaced?.add(claimId);
    }
    takeEnvelope();
    const { claimId, envelopeId, userId, requestId, poolId, phaseId, sponsorId, amountCents, issuedAt, galaId } = claim;
    this.#claims.record({
      claimId,
      envelopeId,
      userId,
      requestId,
      poolId,
      phaseId,
      sponsorId,
      amountCents,
      claimedAt: issuedAt,
      galaId,
      finalAt: issuedAt + this.#horizonMs,
    });
    return null;
  }
}
