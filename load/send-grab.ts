/**
 * k6: group envelopes beside the shake traffic. One scenario keeps the shake storm going
 * (PWA-like viewers, load/lib/viewer.ts); the other has senders (sessions of their own) win
 * and open an envelope, and once it has settled into their wallet,
 * wrap its amount into a wallet-funded group envelope and send it
 * to friends who all grab at once (one more friend than there are shares). Each group must
 * conserve its money: grabbed + remaining + refunded = amount, never more shares than it
 * has, and the extra friend finds it empty. Teardown fails the run unless the audit balances.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8787 -e PROFILE=smoke -e SHOW=write load/send-grab.ts
 */
import { check, sleep } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Counter, Rate } from "k6/metrics";
import type { Options } from "k6/options";
import { bearer, bodyOf, createSessions, postJson, requestId, requireBalancedAudit, requireTarget, shake } from "./lib/api.ts";
import { BASE_URL, PEAK_RATE, PROFILE, USERS } from "./lib/config.ts";
import type { GrabGroupResponse, WonEnvelope } from "../src/wire/index.ts";
import { createGroup, grab, groupStatus } from "./lib/groups.ts";
import { arrivalScenario, profileMs, vuSlots } from "./lib/profiles.ts";
import { SHAKE_THRESHOLDS, shakeOnce, type ShakeData } from "./lib/shaker.ts";
import { writeRunShow } from "./lib/show.ts";

const GROUP_RATE = Number(__ENV.GROUP_RATE ?? 1);
const SHARES = 4;

const groupsCreated = new Counter("groups_created");
const groupsRefused = new Counter("groups_refused");
const grabsGrabbed = new Counter("grabs_grabbed");
const grabsEmpty = new Counter("grabs_empty");
const groupConserved = new Rate("group_conserved");

const scenarios = {
  shake: arrivalScenario(PROFILE, PEAK_RATE, "shakeStorm"),
  sendGrab: {
    executor: "constant-arrival-rate" as const,
    exec: "sendAndGrab",
    rate: GROUP_RATE,
    timeUnit: "1s",
    duration: `${Math.max(10, Math.floor(profileMs(PROFILE) / 1_000))}s`,
    preAllocatedVUs: Math.max(5, GROUP_RATE * 5),
    maxVUs: Math.max(20, GROUP_RATE * 20),
  },
};
const SLOTS = vuSlots(scenarios);

interface SendGrabData extends ShakeData {
  /** Senders and friends: sessions no shaking viewer owns. */
  groupTokens: string[];
}

export const options: Options = {
  scenarios,
  thresholds: {
    ...SHAKE_THRESHOLDS,
    group_conserved: ["rate==1"],
    "http_req_duration{name:group grab}": ["p(95)<300", "p(99)<800"],
    "http_req_duration{name:group create}": ["p(95)<500"],
  },
  setupTimeout: "5m",
};

export function setup(): SendGrabData {
  requireTarget();
  // Sessions first: the show's phases are timed from the end of setup.
  const data = { tokens: createSessions(Math.max(USERS, SLOTS)), slots: SLOTS, groupTokens: createSessions(USERS, "k6-group") };
  if (__ENV.SHOW === "write") writeRunShow(profileMs(PROFILE), 0.5, Math.max(1_000, USERS * 3));
  return data;
}

export function shakeStorm(data: ShakeData): void {
  shakeOnce(data);
}

/** A sender's won envelope, shaking a bounded number of times for it, then opened (settles it). */
function winEnvelope(token: string): WonEnvelope | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { body } = shake(token, requestId("send"));
    if (body?.kind === "envelope") {
      const opened = postJson(`/api/envelopes/${body.envelope.claimId}/open`, token, {}, "open");
      check(opened.status, { "envelope opened": (s) => s === 200 });
      return body.envelope;
    }
    sleep(Math.max(0.05, (body?.throttle.minIntervalMs ?? 100) / 1_000));
  }
  return null;
}

export function sendAndGrab(data: SendGrabData): void {
  const n = exec.scenario.iterationInTest;
  const tokens = data.groupTokens;
  const sender = tokens[(n * (SHARES + 2)) % tokens.length];
  const won = winEnvelope(sender);
  if (won === null || won.amountCents < SHARES) return;
  const amountCents = won.amountCents;
  let created = createGroup(sender, { amountCents, count: SHARES, greeting: "Happy New Year", requestId: requestId("group") });
  for (let attempt = 0; created.status !== 201 && created.status < 500 && attempt < 20; attempt++) {
    sleep(1);
    created = createGroup(sender, { amountCents, count: SHARES, greeting: "Happy New Year", requestId: requestId("group") });
  }
  if (created.status !== 201 || !created.body) {
    groupsRefused.add(1);
    check(created.status, { "group create is not a 5xx": (s) => s < 500 });
    return;
  }
  groupsCreated.add(1);
  const groupId = created.body.id;
  const friends = Array.from({ length: SHARES + 1 }, (_, i) => tokens[(n * (SHARES + 2) + 1 + i) % tokens.length]);
  const answers = http
    .batch(
      friends.map((token, i) => ({
        method: "POST",
        url: `${BASE_URL}/api/groups/${groupId}/grab`,
        body: JSON.stringify({ requestId: `grab-${groupId}-${i}` }),
        params: { headers: bearer(token), tags: { name: "group grab" }, responseType: "text" as const },
      })),
    )
    .map((res) => (res.status === 200 ? bodyOf<GrabGroupResponse>(res as http.RefinedResponse<"text">) : null));
  const grabbed = answers.flatMap((a) => (a?.status === "grabbed" ? [a.amountCents] : []));
  grabsGrabbed.add(grabbed.length);
  grabsEmpty.add(answers.filter((a) => a?.status === "empty").length);
  const retry = grab(friends[0], groupId, `grab-${groupId}-0`);
  const status = groupStatus(sender, groupId);
  const conserved =
    status !== null &&
    grabbed.length <= SHARES &&
    status.grabbedCents + status.remainingCents + status.refundedCents === amountCents &&
    status.grabbedCents === grabbed.reduce((sum, c) => sum + c, 0);
  groupConserved.add(conserved);
  check(retry.body, { "grab retry answers the same": (b) => b !== null && (b.status === answers[0]?.status || b.status === "already") });
}

export function teardown(): void {
  requireBalancedAudit();
}
