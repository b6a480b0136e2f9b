/**
 * k6: the live show changes under load. While the shake storm runs, an operator moves the
 * running order mid-run (the live phase is cut short and an encore lottery starts now) and
 * adds a sponsor pool to the encore, through the admin API with optimistic versions. The
 * run measures how long the change takes to reach the edge (public timeline version, and
 * the first shake answered from the new phase) against the 10-second promise.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8787 -e PROFILE=smoke load/live-show.ts
 */
import { check, fail, sleep } from "k6";
import { Rate, Trend } from "k6/metrics";
import type { Options } from "k6/options";
import type { Phase, ShakeResponse, Timeline } from "../src/wire/index.ts";
import { createSessions, publicTimelineVersion, readTimeline, requestId, requireBalancedAudit, requireTarget, shake } from "./lib/api.ts";
import { PEAK_RATE, PROFILE, USERS } from "./lib/config.ts";
import { arrivalScenario, profileMs, vuSlots } from "./lib/profiles.ts";
import { SHAKE_THRESHOLDS, shakeOnce, type ShakeData } from "./lib/shaker.ts";
import { phase, putShow, stockPhase, writeRunShow } from "./lib/show.ts";

const PROPAGATION_LIMIT_MS = 10_000;

const versionSeen = new Trend("timeline_version_seen_ms", true);
const phaseSeen = new Trend("phase_switch_seen_ms", true);
/** Whether each change was seen at the edge at all (within twice the promise). */
const propagated = new Rate("change_propagated");

const scenarios = {
  shake: arrivalScenario(PROFILE, PEAK_RATE, "shakeStorm"),
  operator: {
    executor: "per-vu-iterations" as const,
    exec: "operator",
    vus: 1,
    iterations: 1,
    startTime: `${Math.round(profileMs(PROFILE) / 3_000)}s`,
    maxDuration: "2m",
  },
};
const SLOTS = vuSlots(scenarios);

interface LiveShowData extends ShakeData {
  /** The operator's own session, to see which phase answers (no viewer owns it). */
  probe: string;
}

export const options: Options = {
  scenarios,
  thresholds: {
    ...SHAKE_THRESHOLDS,
    timeline_version_seen_ms: [`max<${PROPAGATION_LIMIT_MS}`],
    phase_switch_seen_ms: [`max<${PROPAGATION_LIMIT_MS}`],
    change_propagated: ["rate==1"],
  },
  setupTimeout: "5m",
};

export function setup(): LiveShowData {
  requireTarget();
  // Sessions first: the show's phases are timed from the end of setup.
  const data = { tokens: createSessions(Math.max(USERS, SLOTS)), slots: SLOTS, probe: createSessions(1, "k6-operator")[0] };
  writeRunShow(profileMs(PROFILE), 0.02, Math.max(100, USERS * 3));
  return data;
}

export function shakeStorm(data: ShakeData): void {
  shakeOnce(data);
}

/** The running order with the live phase cut short now and an encore lottery from now on. */
function withEncore(timeline: Timeline, now: number, encoreId: string): Phase[] {
  const kept = timeline.phases
    .filter((p) => p.startsAt < now)
    .map((p) => (p.endsAt > now ? { ...p, endsAt: now } : p))
    .filter((p) => p.startsAt < p.endsAt);
  return [...kept, phase(encoreId, "lottery", now, now + profileMs(PROFILE), 0.05)];
}

/** Records how long until `seen()` holds (polling every 200 ms), and whether it ever did. */
function timeUntil(trend: Trend, seen: () => boolean): void {
  const started = Date.now();
  while (Date.now() - started < 2 * PROPAGATION_LIMIT_MS) {
    if (seen()) {
      trend.add(Date.now() - started);
      propagated.add(true);
      return;
    }
    sleep(0.2);
  }
  propagated.add(false);
}

export function operator(data: LiveShowData): void {
  const current = readTimeline();
  if (!current) fail("no timeline to change");
  const encoreId = `k6-encore-${Date.now().toString(36)}`;
  const moved = putShow(withEncore(current, Date.now(), encoreId), current.galaId);
  stockPhase(encoreId, Math.max(100, USERS));
  timeUntil(versionSeen, () => (publicTimelineVersion() ?? 0) >= moved.version);
  timeUntil(phaseSeen, () => phaseOf(shake(data.probe, requestId("operator")).body) === encoreId);
  check(moved, { "operator's edit got the next version": (t) => t.version === current.version + 1 });
}

function phaseOf(answer: ShakeResponse | null): string | null {
  if (answer?.kind === "greeting") return answer.phaseId;
  if (answer?.kind === "envelope") return answer.envelope.phaseId;
  return null;
}

export function teardown(): void {
  requireBalancedAudit();
}
