/**
 * Closing a lottery phase: the step the show clock runs once a phase has ended (timeline
 * alarm at endsAt, the minute cron as a backstop, or an operator's "stop now").
 *
 * For every pool of the phase, the unclaimed envelopes move as one leftover move: into a
 * rollover pool of the sponsor's next lottery phase, dealt across all shards, or back to
 * the sponsor's unallocated budget when the sponsor has no later lottery phase. The moves
 * are idempotent, so closing again (after an interruption) finishes the job and moves
 * nothing twice. Only when every move is done is the phase marked closed.
 *
 * `closePhase` is the hook for work that must follow a phase's end (e.g. settling claims
 * that were never opened): call it, or add the step after the leftover moves below.
 */
import { leftoverMoveId, nextLotteryPhase, rolloverPoolId } from "./domain/moves";
import { executeMove } from "./moves";
import { allShards } from "./objects";
import type { ShowRegistry } from "./show-registry";
import type { EpochMs, MoveRecord, Phase } from "./wire";

export interface PhaseCloseReport {
  phaseId: string;
  moves: { moveId: string; toPoolId: string | null; cents: number }[];
}

export async function closePhase(env: Env, registry: ShowRegistry, phase: Phase, now: EpochMs): Promise<PhaseCloseReport> {
  const timeline = registry.read();
  const shards = allShards(env);
  const pools = registry.pools().filter((p) => p.record.phaseId === phase.id);
  const moves = await Promise.all(
    pools.map(async ({ record }) => {
      const target = timeline ? nextLotteryPhase(timeline.phases, phase, record.sponsorId) : null;
      const moveId = leftoverMoveId(record.poolId);
      const planned: MoveRecord = {
        moveId,
        kind: "leftover",
        fromPoolId: record.poolId,
        toPoolId: target ? rolloverPoolId(moveId) : null,
        sponsorId: record.sponsorId,
        fromShards: shards,
        toShards: target ? shards : [],
        limit: null,
        state: "planned",
        landedCents: null,
        createdAt: now,
      };
      const rollover = target && {
        ...record,
        poolId: rolloverPoolId(moveId),
        phaseId: target.id,
        budgetCents: 0,
        count: 0,
        createdAt: now,
      };
      const move = registry.planMove(planned, rollover);
      const cents = await executeMove(env, registry, move);
      return { moveId, toPoolId: move.toPoolId, cents };
    }),
  );
  registry.markClosed(phase.id, now);
  return { phaseId: phase.id, moves };
}
