/**
 * Viewer app: wires the pre-download, the offline notice, the running order and the server's
 * clock (read from the published timeline and the answers the page gets, live-timeline.js),
 * the live phase and a countdown redrawn on the server's second, shake input (motion and
 * button) through the paced shaker, the result views, and the signed claims of edge-lease
 * wins kept until the server has them.
 */
import { ClaimPresenter } from "./claim-presenter.js";
import { fromServerTime, ServerClock } from "./clock.js";
import { currentPhases, formatCountdown, msUntilChange } from "./countdown.js";
import { byId, formatBytes } from "./dom.js";
import { HeldClaims } from "./held-claims.js";
import { LiveTimeline } from "./live-timeline.js";
import { showNetworkStatus } from "./network-status.js";
import { loadAssetUrls, startPreDownload } from "./resources.js";
import { listenForShakes, motionNeedsPermission, requestMotionPermission } from "./shake-detect.js";
import { Shaker } from "./shaker.js";
import { showAccount } from "./views/account-view.js";
import { sharedGroupId, showGroup } from "./views/group-view.js";
import { renderAnswer, showVoided } from "./views/result-view.js";
import { WalletView } from "./views/wallet-view.js";

/** @typedef {import("../../src/wire/index").PublicTimeline} PublicTimeline */
/** @typedef {import("../../src/wire/index").ResourceProgress} ResourceProgress */
/** @typedef {import("./shaker.js").ShakeEvent} ShakeEvent */

/** The longest the page goes without redrawing (the shake hint counts tenths of seconds). */
const TICK_MS = 250;

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
};

const state = {
  /** @type {Map<string, string>} */
  assetUrls: new Map(),
};

const clock = new ServerClock();
const serverNow = () => clock.serverNow();

/** @param {ResourceProgress} p */
function showProgress(p) {
  const percent = p.totalBytes === 0 ? 0 : Math.round((100 * p.doneBytes) / p.totalBytes);
  ui.progress.value = percent;
  ui.progress.setAttribute("aria-valuetext", `${percent}%`);
  const size = `${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`;
  ui.progressText.textContent =
    p.state === "complete"
      ? `Show resources ready offline (${formatBytes(p.totalBytes)}, ${p.totalFiles} files) · 100%`
      : p.state === "interrupted"
        ? `Download paused at ${size} (${percent}%); it resumes when the network is back`
        : `Downloading show resources: ${size} (${percent}%)`;
  if (p.state === "complete") loadAssetUrls().then((urls) => (state.assetUrls = urls));
}

const show = new LiveTimeline({ clock, onChange: () => tick() });

/** @param {string} id */
function sponsorName(id) {
  for (const phase of show.timeline?.phases ?? []) {
    const sponsor = phase.sponsors.find((s) => s.id === id);
    if (sponsor) return sponsor.name;
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
    ui.phase.textContent = `Live now: ${live.title}`;
    ui.countdown.textContent = `ends in ${formatCountdown(live.endsAt - now)}`;
    remaining.push(live.endsAt - now);
  } else if (next) {
    ui.phase.textContent = `Next: ${next.title}`;
    ui.countdown.textContent = `starts in ${formatCountdown(next.startsAt - now)}`;
    remaining.push(next.startsAt - now);
  } else {
    ui.phase.textContent = show.timeline ? "The show is over" : "Loading the show…";
    ui.countdown.textContent = "";
  }
  for (const el of document.querySelectorAll("[data-countdown-to]")) {
    const ms = Number(el.getAttribute("data-countdown-to")) - now;
    el.textContent = formatCountdown(ms);
    remaining.push(ms);
  }
  const waitMs = shaker.waitMs();
  ui.shake.disabled = waitMs > 0;
  ui.shakeHint.textContent = !show.timeline
    ? "Loading the show…"
    : waitMs === Infinity
      ? "Shaking…"
      : waitMs > 0
        ? `Next shake in ${(waitMs / 1000).toFixed(1)} s`
        : "Shake your phone or press the button";
  return Math.min(...remaining.map(msUntilChange));
}

/** Redraws at least every TICK_MS and exactly when a countdown's second turns on the server's clock. */
function redrawLoop() {
  setTimeout(redrawLoop, Math.min(TICK_MS, tick()));
}

/** @param {ShakeEvent} event */
function onShakeEvent(event) {
  if (event.kind === "answer") {
    clock.add(fromServerTime(event.sentAt, event.receivedAt, event.answer.serverTime));
    renderAnswer(ui.result, event.answer, { assetUrls: state.assetUrls, sponsorName, showWallet: () => wallet.show(), claims });
    if (event.answer.kind === "envelope") wallet.refresh();
    if (event.answer.kind === "envelope" && event.answer.envelope.signedClaim) presenter.soon();
    navigator.vibrate?.(event.answer.kind === "envelope" ? [80, 40, 80] : 30);
  } else if (event.kind === "failed") {
    ui.result.className = "result result-failed";
    ui.result.textContent =
      event.failure.status === 429
        ? "Easy! You are shaking faster than the show allows."
        : "The network is struggling; your phone will retry more slowly.";
  } else if (event.kind === "sending") {
    ui.shake.classList.remove("wobble");
    void ui.shake.offsetWidth;
    ui.shake.classList.add("wobble");
  }
  tick();
}

const claims = new HeldClaims(localStorage);
const presenter = new ClaimPresenter(claims, { onVoided: (claimId) => showVoided(ui.result, claimId) });
const shaker = new Shaker(onShakeEvent, claims, () => show.timeline?.galaId ?? null);
const wallet = new WalletView(sponsorName);

function wireShakeInput() {
  ui.shake.addEventListener("click", () => shaker.shake());
  if (!("DeviceMotionEvent" in window)) return;
  if (motionNeedsPermission()) {
    ui.motion.hidden = false;
    ui.motion.addEventListener("click", async () => {
      if (await requestMotionPermission()) {
        ui.motion.hidden = true;
        listenForShakes(() => shaker.shake());
      }
    });
  } else {
    listenForShakes(() => shaker.shake());
  }
}

async function main() {
  showNetworkStatus(ui.network);
  const groupId = sharedGroupId();
  if (groupId) {
    ui.group.hidden = false;
    showGroup(ui.group, groupId);
  }
  wireShakeInput();
  redrawLoop();
  startPreDownload(showProgress).catch(() => (ui.progressText.textContent = "Offline resources are not available in this browser"));
  state.assetUrls = await loadAssetUrls();
  await show.start();
  tick();
  showAccount(byId("account", HTMLElement));
  presenter.presentNow();
  window.addEventListener("online", () => presenter.presentNow());
}

main();
