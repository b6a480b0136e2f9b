/**
 * Viewer app: wires the language, the pre-download, the offline notice, the running order
 * and the server's clock (read from the published timeline and the answers the page gets,
 * live-timeline.js), the live phase and a countdown redrawn on the server's second, the bot
 * challenge where sessions need one, shake input (motion and button) through the paced
 * shaker, the win and the other results, and the signed claims of edge-lease wins kept until
 * the server has them.
 */
import { apiJson, ensureSession, useSessionChallenge } from "./api.js";
import { ClaimPresenter } from "./claim-presenter.js";
import { fromServerTime, ServerClock } from "./clock.js";
import { currentPhases, formatCountdown, msUntilChange } from "./countdown.js";
import { byId, formatBytes } from "./dom.js";
import { HeldClaims } from "./held-claims.js";
import { initLanguage, language, localized, onLanguageChange, otherLanguage, s, setLanguage } from "./i18n.js";
import { LiveTimeline } from "./live-timeline.js";
import { showNetworkStatus } from "./network-status.js";
import { loadAssetUrls, startPreDownload } from "./resources.js";
import { listenForShakes, motionNeedsPermission, requestMotionPermission } from "./shake-detect.js";
import { Shaker } from "./shaker.js";
import { TurnstileGate } from "./turnstile.js";
import { showAccount } from "./views/account-view.js";
import { sharedGroupId, showGroup } from "./views/group-view.js";
import { renderAnswer, renderFailure } from "./views/result-view.js";
import { WalletView } from "./views/wallet-view.js";
import { WinView } from "./views/win-view.js";

/** @typedef {import("../../src/wire/index").PublicTimeline} PublicTimeline */
/** @typedef {import("../../src/wire/index").ResourceProgress} ResourceProgress */
/** @typedef {import("../../src/wire/index").IdentityInfo} IdentityInfo */
/** @typedef {import("../../src/wire/index").ShakeResponse} ShakeResponse */
/** @typedef {import("./shaker.js").ShakeEvent} ShakeEvent */

/** The longest the page goes without redrawing (the shake hint counts tenths of seconds). */
const TICK_MS = 250;

initLanguage();

const ui = {
  phase: byId("phase", HTMLElement),
  countdown: byId("countdown", HTMLElement),
  progress: byId("resource-progress", HTMLProgressElement),
  progressText: byId("resource-status", HTMLElement),
  shake: byId("shake", HTMLButtonElement),
  shakeHint: byId("shake-hint", HTMLElement),
  motion: byId("enable-motion", HTMLButtonElement),
  result: byId("result", HTMLElement),
  network: byId("network-status", HTMLElement),
  group: byId("group", HTMLElement),
  language: byId("language", HTMLButtonElement),
  challenge: byId("challenge", HTMLElement),
};

const state = {
  /** @type {Map<string, string>} */
  assetUrls: new Map(),
  /** @type {ResourceProgress | null} */
  progress: null,
  /** The answer the result line shows (not a win), to write again in another language. */
  /** @type {Exclude<ShakeResponse, { kind: "envelope" }> | null} */
  shown: null,
};

const clock = new ServerClock();
const serverNow = () => clock.serverNow();
const assetUrl = (/** @type {string} */ id) => state.assetUrls.get(id);

/** @param {ResourceProgress} p */
function showProgress(p) {
  state.progress = p;
  const percent = p.totalBytes === 0 ? 0 : Math.round((100 * p.doneBytes) / p.totalBytes);
  ui.progress.value = percent;
  ui.progress.setAttribute("aria-valuetext", `${percent}%`);
  const size = s().sizeOf(formatBytes(p.doneBytes), formatBytes(p.totalBytes));
  ui.progressText.textContent =
    p.state === "complete"
      ? s().resourcesReady(formatBytes(p.totalBytes), p.totalFiles)
      : p.state === "interrupted"
        ? s().resourcesPaused(size, percent)
        : s().resourcesDownloading(size, percent);
  if (p.state === "complete") refreshAssetUrls();
}

const refreshAssetUrls = () => loadAssetUrls(language()).then((urls) => (state.assetUrls = urls));

const show = new LiveTimeline({ clock, onChange: () => tick() });

/** @param {string} id */
function sponsorName(id) {
  for (const phase of show.timeline?.phases ?? []) {
    const sponsor = phase.sponsors.find((sp) => sp.id === id);
    if (sponsor) return localized(sponsor.name, sponsor.names);
  }
  return id;
}

/** Redraws the page; returns how long until a countdown on it shows another second. */
function tick() {
  const now = serverNow();
  const { live, next } = currentPhases(show.timeline?.phases ?? [], now);
  /** @type {number[]} */
  const remaining = [];
  if (live) {
    ui.phase.textContent = s().liveNow(localized(live.title, live.titles));
    ui.countdown.textContent = s().endsIn(formatCountdown(live.endsAt - now));
    remaining.push(live.endsAt - now);
  } else if (next) {
    ui.phase.textContent = s().next(localized(next.title, next.titles));
    ui.countdown.textContent = s().startsIn(formatCountdown(next.startsAt - now));
    remaining.push(next.startsAt - now);
  } else {
    ui.phase.textContent = show.timeline ? s().showOver : s().loadingShow;
    ui.countdown.textContent = "";
  }
  for (const el of document.querySelectorAll("[data-countdown-to]")) {
    const ms = Number(el.getAttribute("data-countdown-to")) - now;
    el.textContent = formatCountdown(ms);
    remaining.push(ms);
  }
  const waitMs = shaker.waitMs();
  // aria-disabled, not disabled: a waiting button stays focusable, so closing the win gives it
  // the focus back and a keyboard user keeps their place; a press while it waits only redraws
  // the hint (shaker.js answers it "paced").
  if (waitMs > 0) ui.shake.setAttribute("aria-disabled", "true");
  else ui.shake.removeAttribute("aria-disabled");
  ui.shakeHint.textContent = !show.timeline
    ? s().loadingShow
    : waitMs === Infinity
      ? s().shaking
      : waitMs > 0
        ? s().nextShakeIn((waitMs / 1000).toFixed(1))
        : s().shakeHint;
  return Math.min(...remaining.map(msUntilChange));
}

/** Redraws at least every TICK_MS and exactly when a countdown's second turns on the server's clock. */
function redrawLoop() {
  setTimeout(redrawLoop, Math.min(TICK_MS, tick()));
}

/** @param {ShakeEvent} event */
function onShakeEvent(event) {
  if (event.kind === "answer") {
    const { answer } = event;
    clock.add(fromServerTime(event.sentAt, event.receivedAt, answer.serverTime));
    if (answer.kind === "envelope") {
      state.shown = null;
      win.show(answer.envelope);
      wallet.refresh();
      if (answer.envelope.signedClaim) presenter.soon();
    } else {
      state.shown = answer;
      renderAnswer(ui.result, answer, assetUrl);
    }
    navigator.vibrate?.(answer.kind === "envelope" ? [80, 40, 80] : 30);
  } else if (event.kind === "failed") {
    state.shown = null;
    renderFailure(ui.result, event.failure);
  } else if (event.kind === "sending") {
    ui.shake.classList.remove("wobble");
    void ui.shake.offsetWidth;
    ui.shake.classList.add("wobble");
  }
  tick();
}

const claims = new HeldClaims(localStorage);
const wallet = new WalletView(sponsorName);
const win = new WinView(byId("win", HTMLDialogElement), ui.result, {
  assetUrl,
  sponsorName,
  showWallet: () => wallet.show(),
  claims,
  shakeButton: ui.shake,
});
const presenter = new ClaimPresenter(claims, { onVoided: (claimId) => win.voided(claimId) });
/** The lottery phase live now on the server's clock: a retried shake names it (shaker.js). */
const liveLotteryId = () => {
  const { live } = currentPhases(show.timeline?.phases ?? [], serverNow());
  return live?.kind === "lottery" ? live.id : null;
};
const shaker = new Shaker(onShakeEvent, claims, () => show.timeline?.galaId ?? null, liveLotteryId);
/** A shake from the phone's motion, unless the win covers the screen. */
const motionShake = () => void (win.isOpen || shaker.shake());

function wireShakeInput() {
  ui.shake.addEventListener("click", () => shaker.shake());
  if (!("DeviceMotionEvent" in window)) return;
  if (motionNeedsPermission()) {
    ui.motion.hidden = false;
    ui.motion.addEventListener("click", async () => {
      if (await requestMotionPermission()) {
        ui.motion.hidden = true;
        listenForShakes(motionShake);
      }
    });
  } else {
    listenForShakes(motionShake);
  }
}

function wireLanguage() {
  const label = () => ui.language.setAttribute("lang", otherLanguage());
  ui.language.addEventListener("click", () => setLanguage(otherLanguage()));
  onLanguageChange(async () => {
    label();
    tick();
    win.relabel();
    if (state.progress) showProgress(state.progress);
    await refreshAssetUrls();
    if (state.shown) renderAnswer(ui.result, state.shown, assetUrl);
  });
  label();
}

/** @returns {Promise<IdentityInfo>} */
const loadIdentity = () => apiJson("/api/identity").catch(() => ({ signInUrl: null, anonymousSessions: "on", turnstileSiteKey: null }));

async function main() {
  wireLanguage();
  showNetworkStatus(ui.network);
  ui.progressText.textContent = s().resourcesPreparing;
  const identity = loadIdentity();
  // Where anonymous sessions need a bot challenge, the widget is in the page before the first session.
  useSessionChallenge(
    identity.then((info) => {
      if (info.anonymousSessions !== "turnstile" || !info.turnstileSiteKey) return null;
      const gate = new TurnstileGate(info.turnstileSiteKey, ui.challenge);
      return () => gate.token();
    }),
  );
  // The session (a sign-in's ID token exchanged) is asked for at once; the header joins it.
  ensureSession().catch(() => undefined);
  const groupId = sharedGroupId();
  if (groupId) {
    ui.group.hidden = false;
    showGroup(ui.group, groupId);
  }
  wireShakeInput();
  redrawLoop();
  identity.then((info) => showAccount(byId("account", HTMLElement), info));
  await Promise.all([refreshAssetUrls(), show.start()]);
  tick();
  // The countdown first; the service worker's install and the pre-download then take the network.
  startPreDownload(showProgress).catch(() => (ui.progressText.textContent = s().resourcesUnavailable));
  presenter.presentNow();
  window.addEventListener("online", () => presenter.presentNow());
}

main();
