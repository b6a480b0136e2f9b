/**
 * PoolShard: one shard of every sponsor pool, and the home of the users hashed to it; named
 * `shard-<n>` (src/objects.ts), so it knows its own index.
 *
 * Responsible for, each part in the module that alone writes its tables:
 * - stock (stock.ts: `pools`, `envelopes`): this shard's part of each pool, loaded once per
 *   pool, and the envelopes still in it;
 * - claims (claims.ts: `claims`, `requests`): one envelope per envelope candidate, handed out
 *   atomically under the per-person limits (exact here: every claim of a person lives on
 *   their shard) and issuance pacing per pool (pool-pacing.ts, which lease grants obey too),
 *   each request id's answer kept for its retries, and the
 *   shard's load reported with every answer;
 * - edge leases (leases.ts: `leases`, `leased_envelopes`, `lease_counters`; voided-claims.ts: `voided_claims`):
 *   blocks of envelopes lent to edge isolates, the claims they issued recorded exactly once
 *   (or voided), what comes back returned to stock;
 * - merges (merges.ts: `merge_outbox`, `merged_out`, `merge_voids`, `merged_in`; the calls in
 *   merge-flush.ts): leased claims of this shard's loans carried to their viewers' home
 *   shards in batches, and claims of other shards' loans recorded here as their home;
 * - settlement (claim-state.ts: `claim_state`; settlement-outbox.ts, the one producer of
 *   claim settlement messages): opening a claim, sending it to the settlement queue in
 *   batches from the alarm, the worker's sweeps (closed phases, stale and dead-lettered
 *   claims), the consumer's confirmations, the pages the audit and the wallet read;
 * - phase windows (phase-windows.ts: `phase_windows`): claims and leases only while a phase
 *   is live, on the shard's own clock;
 * - moves (moves.ts: `moves_out`, `moves_in`): the show clock's leftover and rebalance
 *   moves, each step once per move id;
 * - statistics (shake-counts.ts: `shake_counts`): shakes counted by the edges, per phase;
 * - running totals (totals.ts: `pool_totals`, `shard_totals`): per pool and per shard, kept
 *   by triggers on the tables they count, in the same transaction as each write;
 * - the audit's figures (figures.ts, read only): the shard's books from its totals;
 * - the deep check (claims-check.ts: `claims_check_sums`, with ../sliced-check.ts): its claims
 *   and their settlement states against the running totals, in slices bounded by time from the
 *   alarm it shares with the settlement outbox, armed with the shard's first phase windows,
 *   findings reported to the show clock.
 *
 * Every public method that writes runs synchronously inside one storage transaction (the
 * sends to the settlement queue excepted), so no two claims interleave and no partial write
 * survives.
 */
import { DurableObject } from "cloudflare:workers";
import { leasePresentMs, mergeFlushMs, mergeHorizonMs } from "../../src/config";
import { RateWindow } from "../../src/domain/rate-window";
import type { PhaseWindow } from "../../src/wire/index";
import type {
  LeasedClaim,
  LeaseExchange,
  LeaseExchangeAnswer,
  MergeOutcome,
  OpenedClaim,
  OpenOutcome,
  PacedClaimAnswer,
  PacedClaimRequest,
  RecordOutcome,
  ShakeCount,
  ShardAuditFigures,
  ShardBooks,
  ShardPhaseReport,
  ShardPoolLoad,
  ShardReceive,
  UserRequest,
  WonResult,
} from "../../src/wire/rpc";
import { AlarmBy } from "./alarm-by";
import * as claimState from "./claim-state";
import { Claims } from "./claims";
import { shardFigures } from "./figures";
import { Leases, type LeasesOut } from "./leases";
import { MergeFlush } from "./merge-flush";
import { Merges } from "./merges";
import { Moves } from "./moves";
import { PhaseWindows } from "./phase-windows";
import { PoolPacing } from "./pool-pacing";
import { SettlementOutbox } from "./settlement-outbox";
import { ShakeCounts } from "./shake-counts";
import { Stock } from "./stock";
import { keepTotals, poolTotals } from "./totals";
import { ClaimRows } from "./claims-check";
import { DEFAULT_BOUNDS, SlicedCheck } from "../sliced-check";
import { timelineStub } from "../../src/objects";

export class PoolShard extends DurableObject<Env> {
  #sql: SqlStorage;
  #stock: Stock;
  #windows: PhaseWindows;
  #claims: Claims;
  #leases: Leases;
  #merges: Merges;
  #mergeFlush: MergeFlush;
  #alarm: AlarmBy;
  #moves: Moves;
  #shakes: ShakeCounts;
  #outbox: SettlementOutbox;
  #deepCheck: SlicedCheck;
  #calls = new RateWindow();
  #index: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.#sql = sql;
    this.#stock = new Stock(sql);
    this.#windows = new PhaseWindows(sql);
    const pacing = new PoolPacing(sql, this.#stock);
    const horizonMs = mergeHorizonMs(env);
    this.#claims = new Claims(sql, this.#stock, this.#windows, pacing, horizonMs);
    this.#merges = new Merges(sql, horizonMs);
    const parts = { stock: this.#stock, claims: this.#claims, windows: this.#windows, pacing, merges: this.#merges };
    this.#leases = new Leases(sql, parts, () => this.#shard(), horizonMs);
    this.#moves = new Moves(sql, this.#stock);
    this.#shakes = new ShakeCounts(sql);
    sql.exec(claimState.CLAIM_STATE_SCHEMA);
    keepTotals(ctx.storage);
    this.#alarm = new AlarmBy(ctx.storage);
    this.#outbox = new SettlementOutbox(ctx.storage, env.SETTLEMENTS, () => this.#shard(), this.#alarm);
    this.#mergeFlush = new MergeFlush(
      ctx.storage,
      env,
      { leases: this.#leases, merges: this.#merges, alarm: this.#alarm },
      mergeFlushMs(env),
    );
    const claimRows = new ClaimRows(sql, () => this.ctx.id.name ?? "shard");
    this.#deepCheck = new SlicedCheck(sql, claimRows);
    if (claimRows.triggersChanged) this.#deepCheck.restartRun();
  }

  /** This shard's index, from its name `shard-<n>`. */
  #shard(): number {
    if (this.#index === null) {
      const index = Number(this.ctx.id.name?.replace(/^shard-/, ""));
      if (!Number.isSafeInteger(index)) throw new Error(`pool shard without a shard name: ${this.ctx.id.name}`);
      this.#index = index;
    }
    return this.#index;
  }

  #transaction<T>(body: () => T): T {
    return this.ctx.storage.transactionSync(body);
  }

  // ------------------------------------------------------------ claims (claims.ts)

  /**
   * A candidate's claim, under overload protection: counts the call into this shard's load
   * report (which counts every call a viewer's request makes here: retry look-ups, opens,
   * presented claims, wallet reads) and answers with it (claims.ts paces issuance and replays known request ids).
   */
  claimPaced(request: PacedClaimRequest): PacedClaimAnswer {
    const now = Date.now();
    this.#calls.record(now);
    const load = { ratePerSec: this.#calls.perSecond(now), queueMs: Math.max(0, now - request.sentAt) };
    return { result: this.#transaction(() => this.#claims.claimPaced(request, now)), load };
  }

  /** The envelope an earlier request of this id won, with the viewer's sponsors held now; null when it won none here. */
  earlierWin(request: UserRequest): WonResult | null {
    this.#calls.record(Date.now());
    return this.#claims.earlierWin(request);
  }

  /** The pool of one of the user's claims, or null when the user holds no such claim. */
  claimPool(userId: string, claimId: string): string | null {
    this.#calls.record(Date.now());
    return this.#claims.poolOf(userId, claimId);
  }

  // ------------------------------------------------------------ stock and moves (stock.ts, moves.ts)

  /** Loads this shard's part of a pool. Idempotent: a part already loaded is left as it is. */
  loadPool(load: ShardPoolLoad): { count: number; sumCents: number } {
    return this.#transaction(() => this.#stock.load(load));
  }

  /** The phase's stock per pool, from the in-memory directory (no count over the envelopes). */
  phaseStock(phaseId: string): { poolId: string; count: number }[] {
    return this.#stock.all(phaseId).map((pool) => ({ poolId: pool.poolId, count: pool.remaining }));
  }

  takeEnvelopes(moveId: string, poolId: string, limit: number | null): number[] {
    return this.#transaction(() => this.#moves.takeOut(moveId, poolId, limit));
  }

  receiveEnvelopes(receive: ShardReceive): void {
    this.#transaction(() => this.#moves.receive(receive, this.#shard()));
  }

  // ------------------------------------------------------------ edge leases (leases.ts)

  /**
   * One call from an edge isolate: take in its claims (recorded here, or queued for their
   * home shards' merge within the flush delay), take back what it will not issue, lend a new block.
   */
  async leaseExchange(exchange: LeaseExchange): Promise<LeaseExchangeAnswer> {
    const now = Date.now();
    const terms = { shard: this.#shard(), presentMs: leasePresentMs(this.env) };
    const answer = this.#transaction(() => this.#leases.exchange(exchange, terms, now));
    if (answer.recorded.some((r) => r.status === "merging")) await this.#mergeFlush.soon(now);
    return answer;
  }

  /**
   * Leased claims of this shard's loans a client presented, each taken in exactly once and, when
   * another shard is their home, merged there at once: every answer is recorded or voided.
   */
  async recordLeasedClaims(claims: LeasedClaim[]): Promise<RecordOutcome[]> {
    const now = Date.now();
    this.#calls.record(now);
    const outcomes = this.#transaction(() => this.#leases.record(claims, now));
    const taken = new Set(outcomes.filter((o) => o.status !== "voided").map((o) => o.claimId));
    const remote = claims.filter((c) => c.homeShard !== this.#shard() && taken.has(c.claimId));
    if (remote.length === 0) return outcomes;
    const merged = new Map((await this.#mergeFlush.ask(remote, now)).map(({ envelopeAtHome: _, ...o }) => [o.claimId, o]));
    return outcomes.map((o) => merged.get(o.claimId) ?? o);
  }

  /** As the viewers' home shard: records claims of other shards' loans (or voids them), each exactly once. */
  mergeClaims(claims: LeasedClaim[]): MergeOutcome[] {
    const now = Date.now();
    this.#calls.record(now);
    return this.#transaction(() => this.#leases.mergeIn(claims, now));
  }

  /**
   * Returns the envelopes of leases past their deadline to stock, then tells what leases of
   * `phaseId` (all phases with null) still hold and when the last of them is due back.
   */
  returnLeases(phaseId: string | null, now: number): LeasesOut {
    return this.#transaction(() => this.#leases.returnOverdue(phaseId, now));
  }

  // ------------------------------------------------------------ settlement (claim-state.ts, settlement-outbox.ts)

  /**
   * Opens the user's claim (idempotent) and makes sure its settlement goes out with the shard's
   * next batch. An edge-lease win not recorded yet is recorded from the claim the client
   * `presented` (verified at the edge) first; a claim voided because its request id had won
   * another opens that one. Null when this user holds no such claim here.
   */
  async openClaim(userId: string, claimId: string, now: number, presented?: LeasedClaim | "invalid"): Promise<OpenOutcome | null> {
    this.#calls.record(Date.now());
    const outcome = this.#transaction(() => this.#open(userId, claimId, now, presented));
    if (outcome?.status === "opened" && !outcome.enqueued) await this.#outbox.armFlush(now);
    return outcome;
  }

  #open(userId: string, claimId: string, now: number, presented: LeasedClaim | "invalid" | undefined): OpenOutcome | null {
    const open = (id: string): OpenedClaim | null => {
      const opened = claimState.openClaim(this.#sql, userId, id, now);
      return opened && { status: "opened", ...opened };
    };
    const opened = open(claimId);
    if (opened) return opened;
    if (presented === "invalid") return { status: "invalid" };
    if (presented && this.#leases.record([presented], now)[0].status === "recorded") return open(claimId);
    const voided = this.#leases.voided(userId, claimId);
    if (voided?.survivor) return open(voided.survivor);
    return voided && { status: "voided", reason: voided.reason };
  }

  /**
   * The alarm's tasks, each safe to run early: the opened claims' settlements in batches
   * (settlement-outbox.ts) beside the waiting leased claims' merges into their homes
   * (merge-flush.ts), then the deep check's slice when due.
   */
  async alarm(): Promise<void> {
    this.#alarm.fired();
    const now = Date.now();
    await Promise.all([this.#outbox.flush(now), this.#mergeFlush.flush(now)]);
    if ((this.#deepCheck.dueAt() ?? Infinity) <= Date.now()) await this.checkSlice();
    const due = this.#deepCheck.dueAt();
    if (due !== null) await this.#alarm.by(due);
  }

  /**
   * One slice of the deep check (its work stops after `budgetMs`), its report to the show clock
   * when its findings changed or a run finished; the next slice is due on the alarm. A report
   * that fails is sent again with the next slice. Null when the check is not armed.
   */
  async checkSlice(budgetMs = DEFAULT_BOUNDS.budgetMs) {
    const result = this.#transaction(() => this.#deepCheck.slice(Date.now(), { ...DEFAULT_BOUNDS, budgetMs }));
    if (!result) return null;
    if (result.report) await this.#deepCheck.send(result.report, (r) => timelineStub(this.env).reportDeepCheck(r));
    await this.#alarm.by(result.nextAt);
    return result;
  }

  /** Sends the unsettled, never-enqueued claims of these (closed) phases; returns how many. */
  sendUnenqueued(phaseIds: string[], now: number): Promise<number> {
    return this.#outbox.send(() => claimState.unenqueuedClaims(this.#sql, this.#shard(), phaseIds, now), now);
  }

  /** Sends again the claims sent, opened or dead-lettered before `before` that have not settled; returns how many. */
  resendStale(before: number, now: number): Promise<number> {
    return this.#outbox.send(() => claimState.staleClaims(this.#sql, this.#shard(), before), now);
  }

  /** Sends the dead-lettered claims again; returns how many. */
  requeueDead(now: number): Promise<number> {
    return this.#outbox.send(() => claimState.deadClaims(this.#sql, this.#shard()), now);
  }

  markSettled(claimIds: string[], now: number): void {
    claimState.markSettled(this.#sql, claimIds, now);
  }

  markDead(claimIds: string[], now: number): void {
    claimState.markDead(this.#sql, claimIds, now);
  }

  deadClaims() {
    return claimState.deadClaims(this.#sql, this.#shard());
  }

  inFlightPage(after: string | null) {
    return claimState.inFlightPage(this.#sql, this.#shard(), after);
  }

  userClaims(userId: string) {
    this.#calls.record(Date.now());
    return claimState.userClaims(this.#sql, userId);
  }

  // ------------------------------------------------------------ live show control (phase-windows.ts, shake-counts.ts, figures.ts)

  /**
   * Arms the phase windows this shard enforces (and, the first time, its deep check); returns the
   * pools whose share it holds, and the pools of `closedPhaseIds` still holding stock here.
   */
  async armPhases(
    windows: PhaseWindow[],
    closedPhaseIds: string[] = [],
  ): Promise<{ pools: string[]; stranded: { poolId: string; count: number }[] }> {
    const { pools, stranded, checkArmed } = this.#transaction(() => {
      this.#windows.arm(windows, Date.now());
      // Reported under the object's name (`shard-<n>`); a shard reached without a name is never armed.
      const name = this.ctx.id.name;
      return {
        pools: this.#stock.loadedPoolIds(),
        stranded: this.#stock.strandedIn(closedPhaseIds),
        checkArmed: name !== undefined && this.#deepCheck.arm(name),
      };
    });
    if (checkArmed) await this.#alarm.by(Date.now());
    return { pools, stranded };
  }

  /** The audit figures and this shard's side of the moves, read in one transaction. */
  books(): ShardBooks {
    return this.#transaction(() => this.#books());
  }

  #books(): ShardBooks {
    return { ...shardFigures(this.#sql, this.#shard(), this.#leases, this.#merges), moves: this.#moves.figures() };
  }

  /**
   * The operator's audit of this shard in one call, read in one transaction: its books and its
   * money in motion from the running totals and the pending-only index; `endedPhaseIds` are
   * phases whose claims should all have been sent by now.
   */
  auditFigures(endedPhaseIds: string[]): ShardAuditFigures {
    return this.#transaction(() => {
      const shard = this.#shard();
      const page = claimState.inFlightPage(this.#sql, shard, null);
      return {
        books: this.#books(),
        motion: { ...claimState.settlementFigures(this.#sql, shard, endedPhaseIds, Date.now()), inFlight: page.claims },
        next: page.next,
      };
    });
  }

  recordShakes(counts: ShakeCount[]): void {
    this.#transaction(() => this.#shakes.record(counts));
  }

  /** Per phase: shakes, candidates, issued and remaining, and each pool's issued (claimed or lent) and stock from the running totals. */
  phaseStats(phaseIds: string[]): ShardPhaseReport[] {
    const now = Date.now();
    const totals = poolTotals(this.#sql);
    return phaseIds.map((phaseId) => ({
      stats: this.#shakes.phaseStats(this.#shard(), phaseId, now),
      pools: this.#stock.all(phaseId).map(({ poolId, sponsorId, remaining }) => {
        const t = totals.get(poolId)?.totals;
        return { poolId, sponsorId, issued: (t?.issued.count ?? 0) + (t?.leased.count ?? 0), inStock: remaining };
      }),
    }));
  }
}
