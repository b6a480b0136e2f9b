/**
 * Shared load profiles. Each is a shape over time, scaled by a peak rate (iterations per
 * second) so the same profile drives `wrangler dev` (tens per second) or a deployment
 * (thousands): smoke proves the wiring, average is a normal evening, peak is the countdown
 * to a lottery, spike is the instant the host says "shake now", soak is an hour at average.
 */
import type { RampingArrivalRateScenario, Scenario, Stage } from "k6/options";

export interface Profile {
  /** Default peak rate when PEAK_RATE is not set. */
  peakRate: number;
  /** Stages as fractions of the peak rate. */
  shape: Array<{ duration: string; share: number }>;
  /** Default CANDIDATE_RATE of a run's own show (SHOW=write): smoke wins often, to reach every path. */
  candidateRate: number;
}

export const PROFILES = {
  smoke: { peakRate: 5, candidateRate: 0.3, shape: [{ duration: "30s", share: 1 }] },
  average: {
    candidateRate: 0.02,
    peakRate: 200,
    shape: [
      { duration: "1m", share: 0.5 },
      { duration: "5m", share: 0.5 },
      { duration: "1m", share: 0 },
    ],
  },
  peak: {
    candidateRate: 0.02,
    peakRate: 1_000,
    shape: [
      { duration: "2m", share: 0.3 },
      { duration: "1m", share: 1 },
      { duration: "3m", share: 1 },
      { duration: "1m", share: 0.2 },
    ],
  },
  spike: {
    candidateRate: 0.02,
    peakRate: 2_000,
    shape: [
      { duration: "30s", share: 0.05 },
      { duration: "10s", share: 1 },
      { duration: "1m", share: 1 },
      { duration: "10s", share: 0.05 },
      { duration: "30s", share: 0.05 },
    ],
  },
  soak: {
    candidateRate: 0.02,
    peakRate: 200,
    shape: [
      { duration: "2m", share: 1 },
      { duration: "56m", share: 1 },
      { duration: "2m", share: 0 },
    ],
  },
} satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

/** Total duration of a profile in milliseconds. */
export function profileMs(profile: Profile): number {
  const unit: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };
  return profile.shape.reduce((ms, stage) => {
    const match = /^(\d+)([smh])$/.exec(stage.duration);
    if (!match) throw new Error(`unsupported duration "${stage.duration}"`);
    return ms + Number(match[1]) * unit[match[2]];
  }, 0);
}

/**
 * A ramping-arrival-rate scenario following the profile at `peakRate` iterations/s. Every VU
 * is allocated up front and none is added later: each owns its own viewers (load/lib/viewer.ts),
 * and k6 hands iterations to idle VUs in turn, so every viewer gets its share. One VU per 5
 * shakes a second, plus room for the viewers watching their wallets after a win.
 */
export function arrivalScenario(profile: Profile, peakRate: number, exec: string): RampingArrivalRateScenario {
  const stages: Stage[] = profile.shape.map((stage) => ({
    duration: stage.duration,
    target: Math.max(1, Math.round(stage.share * peakRate)),
  }));
  const vus = Math.ceil(peakRate / 5) + 20;
  return {
    executor: "ramping-arrival-rate",
    exec,
    startRate: stages[0].target,
    timeUnit: "1s",
    preAllocatedVUs: vus,
    maxVUs: vus,
    stages,
  };
}

/** Every VU id a run can hand out: the scenarios' VUs summed (viewers are split by VU id over it). */
export function vuSlots(scenarios: Record<string, Scenario>): number {
  return Object.values(scenarios).reduce((sum, s) => sum + ("maxVUs" in s && s.maxVUs ? s.maxVUs : "vus" in s && s.vus ? s.vus : 1), 0);
}
