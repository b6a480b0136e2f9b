/**
 * k6 viewers that behave like the PWA (static-assets/js/shaker.js, held-claims.js,
 * claim-presenter.js, views/result-view.js, views/wallet-view.js). Each VU owns its own slice
 * of the sessions, so one viewer's state lives in one place, as on one phone:
 *   - no shake before the PWA's own Pacer allows it (throttle hints, busy's retry hint,
 *     Retry-After, jitter, exponential back-off after failures);
 *   - every shake sends the latest holdings a win handed back (`X-Gala-Holdings`);
 *   - a failed or busy shake is sent again with the same request id, marked `X-Gala-Retry:`
 *     with the lottery phase it was first sent in (the phase its viewer's last answer named;
 *     `1` before any), so a retry after the phase ended still finds its win at the shard;
 *   - the signed claim of an edge-lease win is kept until the server has it: sent with the
 *     open, or presented in a batch at least 3 s after the win;
 *   - a share (OPEN_RATE) of wins is opened at once and the wallet watched (every 2 s, at
 *     most WALLET_WATCH_S) until the opened envelope is in it.
 */
import { sleep } from "k6";
import exec from "k6/execution";
import { Counter, Trend } from "k6/metrics";
import type { ShakeResponse, WonEnvelope } from "../../src/wire/index.ts";
import { Pacer } from "../../static-assets/js/pacing.js";
import { openEnvelope, presentClaims, readWallet, requestId } from "./api.ts";

/** Share of wins opened at once (the rest are presented if leased, and settle when their phase closes). */
const OPEN_RATE = Number(__ENV.OPEN_RATE ?? 0.5);
const WALLET_WATCH_MS = Number(__ENV.WALLET_WATCH_S ?? 30) * 1_000;
/** As the PWA: presented 3 s after a win, at most 20 claims a request. */
const PRESENT_AFTER_MS = 3_000;
const PRESENT_BATCH = 20;
const WALLET_POLL_S = 2;

const retried = new Counter("shakes_retried");
const paced = new Counter("shakes_paced");
const opened = new Counter("envelopes_opened");
const openFailed = new Counter("open_failed");
const recorded = new Counter("claims_recorded");
const voided = new Counter("claims_voided");
const unsettled = new Counter("wallet_unsettled");
const openToWallet = new Trend("open_to_wallet_ms", true);

/** What an honest viewer never sees: each crossing names a way the server or the script broke its word. */
export const VIEWER_THRESHOLDS = {
  open_failed: ["count==0"],
  claims_voided: ["count==0"],
  wallet_unsettled: ["count==0"],
};

interface Kept {
  claimId: string;
  signedClaim: string;
  wonAt: number;
}

export class Viewer {
  readonly token: string;
  readonly pacer = new Pacer();
  /** The latest holdings a win handed back (one gala per run). */
  holdings: string | null = null;
  /** The request id of a shake whose answer never came, or came busy, and the phase it was first sent in. */
  pendingRequestId: string | null = null;
  pendingPhase: string | null = null;
  /** The phase the viewer's last answer named (the PWA reads it off the timeline). */
  phaseId: string | null = null;
  kept: Kept[] = [];

  constructor(token: string) {
    this.token = token;
  }

  /** The request id to send and, for a retry, its mark: the phase it was first sent in. */
  nextShake(): { id: string; retry: string | null } {
    if (this.pendingRequestId !== null) {
      retried.add(1);
      return { id: this.pendingRequestId, retry: this.pendingPhase ?? "1" };
    }
    this.pendingRequestId = requestId("shake");
    this.pendingPhase = this.phaseId;
    return { id: this.pendingRequestId, retry: null };
  }

  /** Feeds an answer (or its absence) to the pacer, as the PWA's shaker does. */
  settle(status: number, answer: ShakeResponse | null, retryAfterMs: number): void {
    const now = Date.now();
    if (status === 200 && answer) {
      if (answer.kind !== "busy") this.pendingRequestId = null;
      if (answer.kind === "greeting") this.phaseId = answer.phaseId;
      if (answer.kind === "envelope") this.phaseId = answer.envelope.phaseId;
      this.pacer.answered(now, answer.throttle, answer.kind === "busy" ? answer.retryAfterMs : 0);
      if (answer.kind === "envelope") this.#keep(answer);
      return;
    }
    if (status >= 400 && status < 500 && status !== 429) this.pendingRequestId = null;
    this.pacer.failed(now, retryAfterMs);
  }

  #keep(answer: Extract<ShakeResponse, { kind: "envelope" }>): void {
    if (answer.holdings) this.holdings = answer.holdings;
    const { claimId, signedClaim } = answer.envelope;
    if (signedClaim) this.kept.push({ claimId, signedClaim, wonAt: Date.now() });
  }

  #forget(claimIds: string[]): void {
    this.kept = this.kept.filter((k) => !claimIds.includes(k.claimId));
  }

  /** Hands in kept claims won at least 3 s ago; a claim the answer leaves out stays kept. */
  presentDue(): void {
    const due = this.kept.filter((k) => Date.now() - k.wonAt >= PRESENT_AFTER_MS).slice(0, PRESENT_BATCH);
    if (due.length === 0) return;
    const { status, body } = presentClaims(
      this.token,
      due.map((k) => k.signedClaim),
    );
    if (status !== 200 || !body) return;
    for (const result of body.results) (result.status === "recorded" ? recorded : voided).add(1);
    this.#forget(body.results.map((r) => r.claimId));
  }

  /** Maybe opens a win at once (with its signed claim), then watches the wallet until it is in. */
  maybeOpen(envelope: WonEnvelope): void {
    if (Math.random() >= OPEN_RATE) return;
    const kept = this.kept.find((k) => k.claimId === envelope.claimId);
    const { status, body } = openEnvelope(this.token, envelope.claimId, kept?.signedClaim);
    if (status === 409) {
      voided.add(1);
      return this.#forget([envelope.claimId]);
    }
    if (status !== 200 || !body) return void openFailed.add(1);
    opened.add(1);
    this.#forget([envelope.claimId, body.envelope.claimId]);
    this.#watchWallet(body.envelope);
  }

  #watchWallet(won: WonEnvelope): void {
    const openedAt = Date.now();
    while (Date.now() - openedAt < WALLET_WATCH_MS) {
      const entry = readWallet(this.token).body?.entries.find((e) => e.claimId === won.claimId);
      if (entry?.status === "settled" && entry.amountCents === won.amountCents) return void openToWallet.add(Date.now() - openedAt);
      sleep(WALLET_POLL_S);
    }
    unsettled.add(1);
  }
}

/** This VU's viewers: the sessions whose index is its id modulo `slots` (every VU id the run can use). */
let mine: Viewer[] | null = null;
let turn = 0;

/**
 * The next of this VU's viewers whose pacer lets it shake now, or null (counted as paced):
 * the VU waits for its viewers as their phones would.
 */
export function readyViewer(tokens: string[], slots: number): Viewer | null {
  mine ??= tokens.filter((_, i) => i % slots === (exec.vu.idInTest - 1) % slots).map((t) => new Viewer(t));
  for (let tries = 0; tries < mine.length; tries++) {
    const viewer = mine[turn++ % mine.length];
    if (viewer.pacer.waitMs(Date.now()) === 0) return viewer;
  }
  paced.add(1);
  return null;
}
