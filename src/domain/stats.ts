/** The operator console's live figures: per phase, per shard and totals. */
import type { EpochMs, Phase, PhaseStats, PoolRecord, ShardPhaseStats, StatsReport, Timeline } from "../wire/index";
import { isLive } from "./phase";
import { poolPaces } from "./pool-pace";
import type { ShardPhaseReport } from "../wire/rpc";

function phaseState(phase: Phase, closed: ReadonlySet<string>, now: EpochMs): PhaseStats["state"] {
  if (closed.has(phase.id)) return "closed";
  if (isLive(phase, now)) return "live";
  return phase.startsAt > now ? "upcoming" : "ended";
}

function totals(shards: readonly ShardPhaseStats[]): PhaseStats["totals"] {
  const total = (key: keyof Omit<ShardPhaseStats, "shard">) => shards.reduce((sum, s) => sum + s[key], 0);
  return {
    shakesSeen: total("shakesSeen"),
    candidates: total("candidates"),
    envelopesIssued: total("envelopesIssued"),
    issuedCents: total("issuedCents"),
    remainingCount: total("remainingCount"),
    remainingCents: total("remainingCents"),
    shakeRate: total("shakeRate"),
  };
}

/** `perShard[i][j]`: shard i's figures for the j-th phase of the timeline; `issuancePacing`: whether shards pace issuance. */
export function statsReport(
  timeline: Timeline,
  closed: ReadonlySet<string>,
  pools: readonly PoolRecord[],
  perShard: readonly (readonly ShardPhaseReport[])[],
  issuancePacing: boolean,
  now: EpochMs,
): StatsReport {
  const phases = timeline.phases.map((phase, j): PhaseStats => {
    const reports = perShard.map((rows) => rows[j]);
    const shards = reports.map((r) => r.stats);
    return {
      phaseId: phase.id,
      title: phase.title,
      kind: phase.kind,
      startsAt: phase.startsAt,
      endsAt: phase.endsAt,
      state: phaseState(phase, closed, now),
      unfunded: phase.kind === "lottery" && !pools.some((p) => p.phaseId === phase.id),
      totals: totals(shards),
      shards,
      pools: poolPaces(
        phase,
        reports.map((r) => r.pools),
        issuancePacing,
        now,
      ),
    };
  });
  return { galaId: timeline.galaId, version: timeline.version, serverTime: now, issuancePacing, phases };
}
