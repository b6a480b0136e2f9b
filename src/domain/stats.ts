/** The operator console's live figures: per phase, per shard and totals. */
import type { EpochMs, Phase, PhaseStats, PoolRecord, ShardPhaseStats, StatsReport, Timeline } from "../wire/index";
import { isLive } from "./phase";

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

/** `perShard[i][j]`: shard i's figures for the j-th phase of the timeline. */
export function statsReport(
  timeline: Timeline,
  closed: ReadonlySet<string>,
  pools: readonly PoolRecord[],
  perShard: readonly (readonly ShardPhaseStats[])[],
  now: EpochMs,
): StatsReport {
  const phases = timeline.phases.map((phase, j): PhaseStats => {
    const shards = perShard.map((rows) => rows[j]);
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
    };
  });
  return { galaId: timeline.galaId, version: timeline.version, serverTime: now, phases };
}
