// Minimal viewer page: obtains a session, shows the live phase and shakes on a button press.
/** @typedef {import("../src/wire").SessionResponse} SessionResponse */
/** @typedef {import("../src/wire").ShakeResponse} ShakeResponse */
/** @typedef {import("../src/wire").PublicTimeline} PublicTimeline */

const phaseEl = /** @type {HTMLElement} */ (document.getElementById("phase"));
const resultEl = /** @type {HTMLElement} */ (document.getElementById("result"));
const button = /** @type {HTMLButtonElement} */ (document.getElementById("shake"));

/** @returns {Promise<SessionResponse>} */
async function newSession() {
  const res = await fetch("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  return res.json();
}

/** @param {PublicTimeline} timeline */
function describePhase(timeline) {
  const now = timeline.serverTime;
  const live = timeline.phases.find((p) => p.startsAt <= now && now < p.endsAt);
  return live ? `Live now: ${live.title}` : "Between phases: rest a moment";
}

/** @param {ShakeResponse} answer */
function describeAnswer(answer) {
  switch (answer.kind) {
    case "envelope":
      return `Red envelope from ${answer.envelope.sponsorId}: ${(answer.envelope.amountCents / 100).toFixed(2)}`;
    case "greeting":
      return "Happy New Year! Shake again.";
    case "rest":
      return "No phase is live right now.";
    case "busy":
      return "The server is catching its breath, try again shortly.";
  }
}

async function main() {
  const session = await newSession();
  const timeline = /** @type {PublicTimeline} */ (await (await fetch("/api/timeline")).json());
  phaseEl.textContent = describePhase(timeline);
  button.disabled = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const res = await fetch("/api/shake", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ requestId: crypto.randomUUID() }),
    });
    const answer = /** @type {ShakeResponse} */ (await res.json());
    resultEl.textContent = describeAnswer(answer);
    setTimeout(() => (button.disabled = false), answer.throttle.minIntervalMs);
  });
}

main().catch(() => (phaseEl.textContent = "Could not reach the show. Reload to try again."));
