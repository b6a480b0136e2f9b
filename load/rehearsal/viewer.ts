/**
 * One synthetic viewer that behaves like the PWA: it makes a session, syncs its clock with
 * the server's (the PWA's own clock code), shakes no sooner than the throttle hint allows
 * (the PWA's own Pacer, jitter and back-off included), keeps a failed shake's request id for
 * the retry (marked with the phase its last answer named, where the PWA names the phase its
 * timeline shows live), sleeps through rest until the next phase by the server's clock, opens what it
 * wins and watches its wallet until the money lands. A winner of a pool with a split budget
 * may share it as a group envelope, and some of the other viewers grab it.
 */
import { fromServerTime, ServerClock } from "../../static-assets/js/clock.js";
import { Pacer } from "../../static-assets/js/pacing.js";
import { NO_PHASE_MARK } from "../../static-assets/js/shaker.js";
import type { WonEnvelope } from "../../src/wire/index.ts";
import type { JsonClient } from "./http.ts";
import { bump, type FleetSecond } from "./tally.ts";
import { createSession, grabCall, openCall, serverTime, shakeCall, shareSeedCall, walletCall } from "./viewer-api.ts";

/** A viewer in rest looks again at least this often, so a moved phase is not missed. */
const REST_RECHECK_MS = 3_000;
/** As the PWA's wallet view polls while money is pending (static-assets/js/views/wallet-view.js). */
const WALLET_POLL_MS = 2_000;

export interface ViewerWorld {
  http: JsonClient;
  /** The second being counted (replaced every second by the fleet). */
  tally(): FleetSecond;
  /** Phase/sponsor pairs (`phaseId/sponsorId`) whose envelopes carry a split budget. */
  splitPools: ReadonlySet<string>;
  shareRate: number;
  friendsPerGroup: number;
  /** How long an opened envelope's wallet is watched for its settlement. */
  walletWatchMs: number;
  /** Another viewer with a session, to grab a shared envelope. */
  friend(): Viewer | null;
  /** Work that must finish before the fleet reports its last second (wallet watches). */
  track(work: Promise<void>): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Viewer {
  readonly #world: ViewerWorld;
  readonly #deviceId: string;
  readonly #pacer = new Pacer();
  #token: string | null = null;
  #offsetMs = 0;
  #shakes = 0;
  #pendingRequestId: string | null = null;
  /** The phase the last answer named (null after rest), and the mark of the pending shake's retries. */
  #phaseId: string | null = null;
  #pendingMark = NO_PHASE_MARK;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(world: ViewerWorld, deviceId: string) {
    this.#world = world;
    this.#deviceId = deviceId;
  }

  get ready(): boolean {
    return this.#token !== null;
  }

  async start(): Promise<void> {
    for (let attempt = 0; !this.#token && !this.#stopped; attempt++) {
      this.#count("session");
      const reply = await createSession(this.#world.http, this.#deviceId);
      if (reply.body && reply.status === 201) this.#token = reply.body.token;
      else await sleep(Math.max(reply.retryAfterMs, 500 * 2 ** Math.min(attempt, 4)));
    }
    // Three samples of the server's time through the PWA's clock (the page itself takes its
    // samples from the answers it gets; a synthetic viewer asks GET /api/time).
    const clock = new ServerClock();
    for (let i = 0; i < 3; i++) {
      this.#count("time");
      const sentAt = Date.now();
      const at = await serverTime(this.#world.http).catch(() => null);
      if (at !== null) clock.add(fromServerTime(sentAt, Date.now(), at));
    }
    this.#offsetMs = clock.offsetMs();
    this.#schedule(0);
  }

  #count(route: string): void {
    bump(this.#world.tally().requests, route);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#shake(), ms);
  }

  async #shake(): Promise<void> {
    const token = this.#token;
    if (!token || this.#stopped) return;
    const retry = this.#pendingRequestId !== null;
    if (!retry) this.#pendingMark = this.#phaseId ?? NO_PHASE_MARK;
    this.#pendingRequestId ??= `${this.#deviceId}-${this.#shakes++}`;
    const sentAt = Date.now();
    this.#count("shake");
    const reply = await shakeCall(this.#world.http, token, this.#pendingRequestId, retry ? this.#pendingMark : null);
    const now = Date.now();
    const tally = this.#world.tally();
    tally.shakeMs.push(now - sentAt);
    const answer = reply.status === 200 ? reply.body : null;
    if (!answer) {
      bump(tally.kinds, `http-${reply.status}`);
      if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) this.#pendingRequestId = null;
      this.#pacer.failed(now, reply.retryAfterMs);
      return this.#schedule(this.#pacer.waitMs(now));
    }
    if (answer.kind !== "busy") this.#pendingRequestId = null;
    if (answer.kind !== "busy")
      this.#phaseId = answer.kind === "greeting" ? answer.phaseId : answer.kind === "envelope" ? answer.envelope.phaseId : null;
    bump(tally.kinds, answer.kind);
    tally.levels[answer.throttle.level] = (tally.levels[answer.throttle.level] ?? 0) + 1;
    this.#pacer.answered(now, answer.throttle, answer.kind === "busy" ? answer.retryAfterMs : 0);
    if (answer.kind === "envelope") this.#world.track(this.#won(token, answer.envelope));
    let wait = this.#pacer.waitMs(now);
    if (answer.kind === "rest") {
      const untilStart = answer.nextStartsAt === null ? REST_RECHECK_MS : answer.nextStartsAt - this.#offsetMs - now;
      wait = Math.max(wait, Math.min(REST_RECHECK_MS, untilStart + Math.random() * 300));
    }
    this.#schedule(wait);
  }

  /** Opens the envelope after the reveal animation, watches the wallet, maybe shares it. */
  async #won(token: string, envelope: WonEnvelope): Promise<void> {
    await sleep(200 + Math.random() * 800);
    this.#count("open");
    const opened = await openCall(this.#world.http, token, envelope.claimId, envelope.signedClaim);
    if (opened.status !== 200 || !opened.body) return bump(this.#world.tally().kinds, `open-http-${opened.status}`);
    this.#world.tally().opens += 1;
    const openedAt = { viewer: Date.now(), server: opened.body.openedAt };
    const sharing =
      this.#world.splitPools.has(`${envelope.phaseId}/${envelope.sponsorId}`) && Math.random() < this.#world.shareRate
        ? this.#share(token, envelope.claimId)
        : Promise.resolve();
    await Promise.all([this.#watchWallet(token, envelope.claimId, openedAt), sharing]);
  }

  /**
   * Polls the wallet until the envelope shows as settled. Two figures: the settlement itself
   * (ledger row written − open, both on the server's clock) and what the viewer saw (open
   * answered − wallet answered, round trips on a busy machine included).
   */
  async #watchWallet(token: string, claimId: string, openedAt: { viewer: number; server: number }): Promise<void> {
    const deadline = openedAt.viewer + this.#world.walletWatchMs;
    while (Date.now() < deadline) {
      this.#count("wallet");
      const wallet = await walletCall(this.#world.http, token);
      const entry = wallet.body?.entries.find((e) => e.claimId === claimId);
      if (entry?.status === "settled") {
        this.#world.tally().settleMs.push(entry.at - openedAt.server);
        this.#world.tally().openToWalletMs.push(Date.now() - openedAt.viewer);
        return;
      }
      await sleep(WALLET_POLL_MS);
    }
    this.#world.tally().unsettled += 1;
  }

  async #share(token: string, claimId: string): Promise<void> {
    this.#count("share");
    const shared = await shareSeedCall(this.#world.http, token, claimId);
    if (shared.status !== 201 || !shared.body) return bump(this.#world.tally().grabs, `share-http-${shared.status}`);
    this.#world.tally().groupsShared += 1;
    const groupId = shared.body.id;
    const grabs = Array.from({ length: this.#world.friendsPerGroup }, async () => {
      await sleep(Math.random() * 2_000);
      await this.#world.friend()?.grab(groupId);
    });
    await Promise.all(grabs);
  }

  /** A friend's grab of a shared group envelope. */
  async grab(groupId: string): Promise<void> {
    if (!this.#token) return;
    this.#count("grab");
    const reply = await grabCall(this.#world.http, this.#token, groupId, `${this.#deviceId}-grab-${groupId}`);
    bump(this.#world.tally().grabs, reply.body && reply.status === 200 ? reply.body.status : `http-${reply.status}`);
  }
}
