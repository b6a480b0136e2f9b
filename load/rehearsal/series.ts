/**
 * Time series derived from the raw samples, shared by the verdict and the charts. Pure.
 */
import type { Phase } from "../../src/wire/index.ts";
import type { BacklogSample, PoolSample, StatsSample } from "./samples.ts";
import type { FleetSecond } from "./tally.ts";

export type Point = [x: number, y: number];

/** Shard rates are averaged over this window: edges flush their counts in batches. */
export const RATE_WINDOW_MS = 5_000;

/** Calls per second towards each shard over the trailing window, per stats sample. */
export function shardRates(samples: readonly StatsSample[], windowMs = RATE_WINDOW_MS): { at: number; perShard: number[] }[] {
  const out: { at: number; perShard: number[] }[] = [];
  let j = 0;
  for (const sample of samples) {
    while (j + 1 < samples.length && samples[j + 1]!.at <= sample.at - windowMs) j++;
    const base = samples[j]!;
    const seconds = (sample.at - base.at) / 1000;
    if (base === sample || seconds < windowMs / 2000) continue;
    out.push({ at: sample.at, perShard: sample.shardCandidates.map((n, shard) => (n - (base.shardCandidates[shard] ?? 0)) / seconds) });
  }
  return out;
}

/** The share of a phase elapsed at `at`, in [0, 1]. */
export function elapsedShare(phase: Pick<Phase, "startsAt" | "endsAt">, at: number): number {
  const duration = phase.endsAt - phase.startsAt;
  if (duration <= 0) return 1;
  return Math.min(1, Math.max(0, (at - phase.startsAt) / duration));
}

/**
 * A pool's money to hand out: its budget plus what arrived net from elsewhere (leftovers of
 * an earlier phase). A rebalance moves money between shards of the same pool, in and out.
 */
export const poolTotalCents = (pool: { budgetCents: number; movedInCents: number; movedOutCents: number }) =>
  pool.budgetCents + Math.max(0, pool.movedInCents - pool.movedOutCents);

/** Per pool: cents issued over time and the plan (its money spread evenly over its phase). */
export function poolSeries(samples: readonly PoolSample[], phases: readonly Phase[]) {
  const last = samples.at(-1);
  return (last?.pools ?? [])
    .filter((pool) => poolTotalCents(pool) > 0 || pool.claimedCents > 0)
    .map((pool) => {
      const phase = phases.find((p) => p.id === pool.phaseId);
      const issued: Point[] = [];
      const plan: Point[] = [];
      for (const a of samples) {
        const row = a.pools.find((p) => p.poolId === pool.poolId);
        if (!row) continue;
        issued.push([a.at, row.claimedCents]);
        if (phase) plan.push([a.at, Math.round(poolTotalCents(row) * elapsedShare(phase, a.at))]);
      }
      return { pool, phase: phase ?? null, issued, plan };
    });
}

/** Fleet seconds as points, one series per key of `counts` (answer kinds, routes). */
export function countSeries(fleet: readonly FleetSecond[], counts: (s: FleetSecond) => Record<string, number>): Record<string, Point[]> {
  const keys = new Set(fleet.flatMap((s) => Object.keys(counts(s))));
  return Object.fromEntries([...keys].sort().map((key) => [key, fleet.map((s): Point => [s.at, counts(s)[key] ?? 0])]));
}

export function throttleSeries(fleet: readonly FleetSecond[]): { mean: Point[]; max: Point[] } {
  const answered = fleet.filter((s) => s.levels.some((n) => n > 0));
  return {
    mean: answered.map((s): Point => {
      const total = s.levels.reduce((a, b) => a + b, 0);
      return [s.at, s.levels.reduce((sum, n, level) => sum + n * level, 0) / total];
    }),
    max: answered.map((s): Point => [s.at, s.levels.reduce((top, n, level) => (n > 0 ? level : top), 0)]),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A latency per second in which some were seen (settlement, open to wallet): p50, p99, max. */
export function latencySeries(fleet: readonly FleetSecond[], values: (s: FleetSecond) => readonly number[]) {
  const seen = fleet.filter((s) => values(s).length > 0);
  return {
    p50: seen.map((s): Point => [s.at, percentile(values(s), 50)]),
    p99: seen.map((s): Point => [s.at, percentile(values(s), 99)]),
    max: seen.map((s): Point => [s.at, Math.max(...values(s))]),
  };
}

/** Shake round trip as the viewers saw it, per second: p50 and p99. */
export function shakeLatencySeries(fleet: readonly FleetSecond[]) {
  const seen = fleet.filter((s) => s.shakeMs.length > 0);
  return {
    p50: seen.map((s): Point => [s.at, percentile(s.shakeMs, 50)]),
    p99: seen.map((s): Point => [s.at, percentile(s.shakeMs, 99)]),
  };
}

/** Envelopes won and not yet in a wallet (pending settlement), per audit. */
export function backlogSeries(backlog: readonly BacklogSample[]): Point[] {
  return backlog.map((b): Point => [b.at, b.pending]);
}
