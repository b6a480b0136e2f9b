/**
 * PoolShard: one shard of every sponsor pool, and the home of the users hashed to it.
 *
 * Responsible for: holding pre-split envelopes (SQLite rows), handing one out atomically per
 * envelope candidate, enforcing the per-user limits exactly (every claim of a user lives on
 * that user's shard), remembering each request id's answer for idempotent retries, and
 * reporting its figures for the merge audit. Each public method body runs synchronously
 * inside one storage transaction, so no two claims interleave and no partial write survives.
 */
import { DurableObject } from "cloudflare:workers";
import { PhasePools } from "./phase-pools";
import { weightedIndex } from "../src/domain/pool-choice";
import { mergeHoldings } from "../src/domain/lease-terms";
import { addGalaColumn, readUserClaims } from "./user-claims";
import { MAX_ENVELOPES_PER_USER, MAX_ENVELOPES_PER_USER_SPONSOR } from "../src/domain/audit";
import { issuanceAllowance } from "../src/domain/pacing";
import { RateWindow } from "../src/domain/rate-window";
import type {
  LeasedClaim,
  LeaseExchange,
  LeaseExchangeAnswer,
  RecordOutcome,
  ShardClaimRequest,
  ShardClaimResult,
  ShardPoolLoad,
  UserRequest,
  WonResult,
} from "../src/wire/rpc";
import type { PhaseWindow, ShardPhaseStats } from "../src/wire/index";
import type { ShakeCount, ShardBooks, ShardReceive } from "../src/wire/rpc";
import type { PacedClaimAnswer, PacedClaimRequest } from "../src/wire/rpc";
import { MOVES_SCHEMA, moveFigures, receiveEnvelopes, takeEnvelopes } from "./move-ledger";
import { WINDOWS_SCHEMA, armWindows, loadWindows, windowOpen, type Windows } from "./phase-windows";
import { SHAKE_COUNTS_SCHEMA, phaseStats, recordShakes } from "./shake-counts";
import * as claimState from "./claim-state";
import { SettlementOutbox } from "./settlement-outbox";
import { SHARD_SCHEMA } from "./shard-schema";
import { shardFigures } from "./shard-figures";
import * as leases from "./leases";
import { leasePresentMs } from "../src/config";

/** This shard's index, from its name `shard-<n>` (objects.ts addresses shards by name). */
function shardIndex(id: DurableObjectId): number {
  const shard = Number(id.name?.replace(/^shard-/, ""));
  if (!Number.isSafeInteger(shard)) throw new Error(`pool shard without a shard name: ${id.name}`);
  return shard;
}

/** A replayed answer: the same claim, with the viewer's holdings as they are now. */
const withHoldings = <R extends ShardClaimResult>(answer: R, held: string[]): R =>
  answer.status === "won" ? { ...answer, holdings: held } : answer;

/** How long the in-memory issued count of a phase is trusted before it is recounted. */
const ISSUED_RECOUNT_MS = 1000;

export class PoolShard extends DurableObject<Env> {
  #sql: SqlStorage;
  #pools: PhasePools;
  #windows: Windows;
  #calls = new RateWindow();
  #issued = new Map<string, { total: number; issued: number; countedAt: number }>();
  #settlements: SettlementOutbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SHARD_SCHEMA);
    addGalaColumn(this.#sql);
    this.#sql.exec(WINDOWS_SCHEMA + MOVES_SCHEMA + SHAKE_COUNTS_SCHEMA);
    this.#windows = loadWindows(this.#sql);
    this.#sql.exec(claimState.CLAIM_STATE_SCHEMA + leases.LEASES_SCHEMA);
    this.#pools = new PhasePools(this.#sql);
    this.#settlements = new SettlementOutbox(ctx.storage, env.SETTLEMENTS, () => shardIndex(ctx.id));
  }

  /** Loads this shard's part of a pool. Idempotent: a part already loaded is left as it is. */
  loadPool(load: ShardPoolLoad): { count: number; sumCents: number } {
    this.#pools.forget();
    return this.ctx.storage.transactionSync(() => {
      const existing = this.#sql
        .exec<{ loaded_count: number; loaded_cents: number }>("SELECT loaded_count, loaded_cents FROM pools WHERE pool_id = ?", load.poolId)
        .toArray()[0];
      // A row with nothing loaded was created by a move that arrived before this shard's share.
      if (existing && (existing.loaded_count > 0 || load.amounts.length === 0)) {
        return { count: existing.loaded_count, sumCents: existing.loaded_cents };
      }
      let sum = 0;
      load.amounts.forEach((amount, k) => {
        sum += amount;
        this.#sql.exec(
          "INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)",
          `${load.poolId}:${load.shard}:${k}`,
          load.poolId,
          amount,
        );
      });
      this.#sql.exec(
        `INSERT INTO pools (pool_id, phase_id, sponsor_id, loaded_count, loaded_cents) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (pool_id) DO UPDATE SET loaded_count = excluded.loaded_count, loaded_cents = excluded.loaded_cents`,
        load.poolId,
        load.phaseId,
        load.sponsorId,
        load.amounts.length,
        sum,
      );
      return { count: load.amounts.length, sumCents: sum };
    });
  }

  /**
   * Hands the user one envelope of the phase from a sponsor they have not won from yet.
   * `fresh`: this call decided the answer (false when it replayed an earlier one).
   */
  #claim(request: ShardClaimRequest): { result: ShardClaimResult; fresh: boolean } {
    return this.ctx.storage.transactionSync(() => {
      const { held, answered } = readUserClaims(this.#sql, request);
      if (answered) return { result: withHoldings(answered, held), fresh: false };
      const result = this.#decide(request, request.knownHeld ? mergeHoldings(held, request.knownHeld) : held);
      if (result.status === "none") this.#remember(request, result);
      return { result: result.status === "won" ? { ...result, holdings: [...held, result.claim.sponsorId] } : result, fresh: true };
    });
  }

  /** Keeps an answer that won nothing, for retries of its request id (a won claim is its own record). */
  #remember(request: ShardClaimRequest, result: ShardClaimResult): void {
    this.#sql.exec(
      "INSERT INTO requests (user_id, request_id, result) VALUES (?, ?, ?)",
      request.userId,
      request.requestId,
      JSON.stringify(result),
    );
  }

  #decide(request: ShardClaimRequest, held: string[]): ShardClaimResult {
    if (!windowOpen(this.#windows, request.phaseId, Date.now())) return { status: "none", reason: "closed" };
    if (held.length >= MAX_ENVELOPES_PER_USER) return { status: "none", reason: "limit" };
    const stocked = this.#pools.stocked(request.phaseId);
    if (stocked.length === 0) return { status: "none", reason: "empty" };
    const heldFrom = (sponsorId: string) => held.filter((id) => id === sponsorId).length;
    const eligible = stocked.filter((pool) => heldFrom(pool.sponsorId) < MAX_ENVELOPES_PER_USER_SPONSOR);
    while (eligible.length > 0) {
      const [pool] = eligible.splice(
        weightedIndex(
          eligible.map((p) => p.remaining),
          Math.random(),
        ),
        1,
      );
      const envelope = this.#pools.take(request.phaseId, pool.poolId);
      if (!envelope) continue;
      const claimId = crypto.randomUUID();
      this.#sql.exec(
        `INSERT INTO claims (claim_id, envelope_id, user_id, request_id, pool_id, phase_id, sponsor_id, amount, claimed_at, gala_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        claimId,
        envelope.envelopeId,
        request.userId,
        request.requestId,
        pool.poolId,
        request.phaseId,
        pool.sponsorId,
        envelope.amount,
        Date.now(),
        request.galaId,
      );
      return {
        status: "won",
        claim: { claimId, phaseId: request.phaseId, sponsorId: pool.sponsorId, amountCents: envelope.amount },
      };
    }
    const limited = this.#pools.stocked(request.phaseId).length > 0;
    return { status: "none", reason: limited ? "limit" : "empty" };
  }

  /** The envelope an earlier request of this id won, with the viewer's holdings now; null when it won none here. */
  earlierWin(request: UserRequest): WonResult | null {
    this.#calls.record(Date.now());
    const { held, answered } = readUserClaims(this.#sql, request);
    return answered?.status === "won" ? withHoldings(answered, held) : null;
  }

  /**
   * `claim` under overload protection: counts the call into this shard's load report (which
   * counts every call a viewer's request makes here: retry look-ups, opens, presented claims,
   * wallet reads), and
   * answers `paced` (no envelope; the answer is kept for retries) while the phase has issued
   * its allowance so far. A request id that already has an answer still gets that answer.
   */
  claimPaced(request: PacedClaimRequest): PacedClaimAnswer {
    const now = Date.now();
    this.#calls.record(now);
    const load = { ratePerSec: this.#calls.perSecond(now), queueMs: Math.max(0, now - request.sentAt) };
    const { userId, requestId, phaseId, galaId, knownHeld } = request;
    const claim: ShardClaimRequest = { userId, requestId, phaseId, galaId, ...(knownHeld ? { knownHeld } : {}) };
    const { window } = request;
    const issued = window ? this.#issuedSoFar(request.phaseId, now) : null;
    if (window && issued && issued.issued >= issuanceAllowance(issued.total, window, now)) {
      const result = this.ctx.storage.transactionSync(() => {
        const { held, answered } = readUserClaims(this.#sql, claim);
        if (answered) return withHoldings(answered, held);
        const paced: ShardClaimResult = { status: "none", reason: "paced" };
        this.#remember(claim, paced);
        return paced;
      });
      return { result, load };
    }
    const { result, fresh } = this.#claim(claim);
    if (issued && fresh && result.status === "won") issued.issued++;
    return { result, load };
  }

  /**
   * A phase's envelopes on this shard, issued and in total (issued + still in stock, so
   * envelopes moved in or out by the show clock count too); recounted once a second.
   */
  #issuedSoFar(phaseId: string, now: number): { total: number; issued: number } {
    const cached = this.#issued.get(phaseId);
    if (cached && now - cached.countedAt < ISSUED_RECOUNT_MS) return cached;
    const row = this.#sql
      .exec<{ stock: number; issued: number }>(
        `SELECT (SELECT COUNT(*) FROM envelopes e JOIN pools p ON p.pool_id = e.pool_id WHERE p.phase_id = ?) AS stock,
                (SELECT COUNT(*) FROM claims WHERE phase_id = ?) AS issued`,
        phaseId,
        phaseId,
      )
      .one();
    const fresh = { total: row.stock + row.issued, issued: row.issued, countedAt: now };
    this.#issued.set(phaseId, fresh);
    return fresh;
  }

  /** The pool of one of the user's claims, or null when the user holds no such claim. */
  claimPool(userId: string, claimId: string): string | null {
    this.#calls.record(Date.now());
    const row = this.#sql
      .exec<{ pool_id: string }>("SELECT pool_id FROM claims WHERE claim_id = ? AND user_id = ?", claimId, userId)
      .toArray()[0];
    return row?.pool_id ?? null;
  }

  // ------------------------------------------------------------ edge leases (see leases.ts)

  /** One call from an edge isolate: record its claims, take back what it will not issue, lend a new block. */
  leaseExchange(exchange: LeaseExchange): LeaseExchangeAnswer {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      leases.countCall(this.#sql);
      const recorded = leases.recordClaims(this.#sql, this.#restock, exchange.claims, now);
      for (const unused of exchange.unused) leases.returnUnused(this.#sql, this.#restock, unused.leaseId, unused.envelopeIds, now);
      const { want } = exchange;
      const grant =
        want && windowOpen(this.#windows, want.phaseId, now)
          ? leases.grantLease(this.#sql, this.#pools.stocked(want.phaseId), {
              leaseId: crypto.randomUUID(),
              phaseId: want.phaseId,
              isolateId: exchange.isolateId,
              count: want.count,
              now,
              expiresAt: want.expiresAt,
              presentMs: leasePresentMs(this.env),
            })
          : null;
      return { recorded, lease: grant && { ...grant, shard: shardIndex(this.ctx.id) } };
    });
  }

  /** Envelopes an edge lease gave back raise the in-memory stock counts (phase-pools.ts). */
  #restock: leases.Restock = (poolId, count) => this.#pools.restock(poolId, count);

  /** Records leased claims a client presented (or an isolate reported), each exactly once. */
  recordLeasedClaims(claims: LeasedClaim[]): RecordOutcome[] {
    const now = Date.now();
    this.#calls.record(now);
    return this.ctx.storage.transactionSync(() => leases.recordClaims(this.#sql, this.#restock, claims, now));
  }

  /** Why this user's claim id was voided (and the claim that won its request id, if any); null when it was not. */
  voidedClaim(userId: string, claimId: string) {
    this.#calls.record(Date.now());
    const voided = leases.voidedClaim(this.#sql, userId, claimId);
    return voided && { reason: voided.reason, survivor: leases.claimOfRequest(this.#sql, userId, voided.requestId) };
  }

  /**
   * Returns the envelopes of leases past their deadline to stock, then tells what leases of
   * `phaseId` (all phases with null) still hold and when the last of them is due back.
   */
  returnLeases(phaseId: string | null, now: number): { returned: number; holding: number; dueAt: number | null } {
    const returned = this.ctx.storage.transactionSync(() => leases.returnOverdue(this.#sql, this.#restock, now));
    const held = leases.outstandingLeases(this.#sql).filter((l) => phaseId === null || l.phaseId === phaseId);
    return {
      returned,
      holding: held.reduce((n, l) => n + l.count, 0),
      dueAt: held.length ? Math.max(...held.map((l) => l.returnAfter)) : null,
    };
  }

  // ------------------------------------------------------------ settlement (see claim-state.ts)

  /**
   * Marks the user's claim opened (idempotent) and makes sure its settlement goes out with the
   * shard's next batch; null when this user holds no such claim here.
   */
  async openClaim(userId: string, claimId: string, now: number) {
    this.#calls.record(Date.now());
    const opened = this.ctx.storage.transactionSync(() => claimState.openClaim(this.#sql, userId, claimId, now));
    if (opened && !opened.enqueued) await this.#settlements.armFlush(now);
    return opened;
  }

  /** Sends the opened claims' settlements in batches (settlement-outbox.ts). */
  async alarm(): Promise<void> {
    await this.#settlements.flush(Date.now());
  }

  markEnqueued(claimIds: string[], now: number): void {
    claimState.markEnqueued(this.#sql, claimIds, now);
  }

  markSettled(claimIds: string[], now: number): void {
    claimState.markSettled(this.#sql, claimIds, now);
  }

  markDead(claimIds: string[], now: number): void {
    claimState.markDead(this.#sql, claimIds, now);
  }

  /** Unsettled, never-enqueued claims of these (closed) phases, one page at a time. */
  unenqueuedClaims(shard: number, phaseIds: string[]) {
    return claimState.unenqueuedClaims(this.#sql, shard, phaseIds);
  }

  deadClaims(shard: number) {
    return claimState.deadClaims(this.#sql, shard);
  }

  staleClaims(shard: number, before: number) {
    return claimState.staleClaims(this.#sql, shard, before);
  }

  inFlightPage(shard: number, after: string | null) {
    return claimState.inFlightPage(this.#sql, shard, after);
  }

  userClaims(userId: string) {
    this.#calls.record(Date.now());
    return claimState.userClaims(this.#sql, userId);
  }

  settlementFigures(shard: number, endedPhaseIds: string[]) {
    return claimState.settlementFigures(this.#sql, shard, endedPhaseIds);
  }

  // ---------------------------------------------------------- live show control (phase-windows, move-ledger, shake-counts)

  /** Arms the phase windows this shard enforces; returns the pools it holds. */
  armPhases(windows: PhaseWindow[]): string[] {
    return this.ctx.storage.transactionSync(() => {
      const pools = armWindows(this.#sql, windows);
      this.#windows = new Map(windows.map((w) => [w.phaseId, w]));
      return pools;
    });
  }

  takeEnvelopes(moveId: string, poolId: string, limit: number | null): number[] {
    this.#pools.forget();
    return this.ctx.storage.transactionSync(() => takeEnvelopes(this.#sql, moveId, poolId, limit));
  }

  receiveEnvelopes(receive: ShardReceive): void {
    this.#pools.forget();
    this.ctx.storage.transactionSync(() => receiveEnvelopes(this.#sql, receive));
  }

  /** The audit figures and the move ledger, read in one transaction. */
  books(shard: number): ShardBooks {
    return this.ctx.storage.transactionSync(() => ({ ...shardFigures(this.#sql, shard), moves: moveFigures(this.#sql) }));
  }

  /** The phase's stock per pool, from the in-memory directory (no count over the envelopes). */
  phaseStock(phaseId: string): { poolId: string; count: number }[] {
    return this.#pools.all(phaseId).map((pool) => ({ poolId: pool.poolId, count: pool.remaining }));
  }

  recordShakes(counts: ShakeCount[]): void {
    this.ctx.storage.transactionSync(() => recordShakes(this.#sql, counts));
  }

  phaseStats(shard: number, phaseIds: string[]): ShardPhaseStats[] {
    const now = Date.now();
    return phaseIds.map((phaseId) => phaseStats(this.#sql, shard, phaseId, now));
  }
}
