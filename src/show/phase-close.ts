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
 * A phase closes only once no move into its pools (a rebalance, or an earlier phase's
 * leftovers) nor a rebalance out of them is still in flight, and no edge lease still lends its envelopes (they come back when reported, handed back, or past their
 * presentation deadline: docs/money-flow.md); the cron's
 * settlement sweep then settles the claims of closed phases that were never opened.
 */
import { leftoverMoveId, nextLotteryPhase, rolloverPoolId } from "../domain/moves";
import { executeMove } from "./move-runner";
import { allShards, shardStub } from "../objects";
import type { ShowRegistry } from "./registry";
import type { EpochMs, MoveRecord, Phase, PoolRecord } from "../wire/index";

export interface PhaseCloseReport {
  phaseId: string;
  moves: { moveId: string; toPoolId: string | null; cents: number }[];
}

export async function closePhase(env: Env, registry: ShowRegistry, phase: Phase, now: EpochMs): Promise<PhaseCloseReport> {
  const phases = registry.document()?.phases ?? [];
  const closed = new Set(registry.closedPhaseIds());
  return closePools(env, registry, phase.id, (sponsorId) => nextLotteryPhase(phases, phase, sponsorId, closed), now);
}

/**
 * Closes a phase that left the running order with a previous gala (a timeline replaced by
 * one with another galaId): its pools' stock goes back to the sponsors' unallocated budgets.
 */
export async function retirePhase(env: Env, registry: ShowRegistry, phaseId: string, now: EpochMs): Promise<PhaseCloseReport> {
  return closePools(env, registry, phaseId, () => null, now);
}

async function closePools(
  env: Env,
  registry: ShowRegistry,
  phaseId: string,
  targetOf: (sponsorId: string) => Phase | null,
  now: EpochMs,
): Promise<PhaseCloseReport> {
  const shards = allShards(env);
  const pools = registry.pools().filter((p) => p.record.phaseId === phaseId);
  const poolIds = new Set(pools.map((p) => p.record.poolId));
  const inFlight = registry
    .moves()
    .filter((m) => m.state === "planned" && (poolIds.has(m.toPoolId ?? "") || (m.kind !== "leftover" && poolIds.has(m.fromPoolId))));
  if (inFlight.length > 0) {
    // Envelopes taken by a move that has not landed would arrive in a closed pool.
    throw new Error(`phase ${phaseId} closes once moves ${inFlight.map((m) => m.moveId).join(", ")} have landed`);
  }
  // Envelopes still lent to edge leases may yet be claimed, or come back after the close; so may those of claims not final yet.
  const leases = await Promise.all(shards.map((shard) => shardStub(env, shard).returnLeases(phaseId, now)));
  const holding = leases.reduce((n, l) => n + l.holding, 0);
  if (holding > 0) {
    const due = Math.max(...leases.map((l) => l.dueAt ?? 0));
    throw new Error(
      `phase ${phaseId} closes once its edge leases are back and its claims final (${holding} envelope(s), due by ${new Date(due).toISOString()})`,
    );
  }
  const moves = await Promise.all(
    pools.map(async ({ record }) => {
      const target = targetOf(record.sponsorId);
      const moveId = leftoverMoveId(record.poolId);
      const move = planLeftover(
        registry,
        record,
        moveId,
        target && rolloverInto(record, moveId, target, now),
        { from: shards, to: shards },
        now,
      );
      const cents = await executeMove(env, registry, move);
      return { moveId, toPoolId: move.toPoolId, cents };
    }),
  );
  registry.markClosed(phaseId, now);
  return { phaseId, moves };
}

/** Where a leftover move lands: a pool of a later phase (a new rollover pool with it), or null for the sponsor's unallocated budget. */
export type LeftoverDestination = { toPoolId: string; rollover: PoolRecord | null } | null;

/** A new rollover pool in `target` for the leftover move `moveId` of `record`'s stock. */
export function rolloverInto(record: PoolRecord, moveId: string, target: Phase, now: EpochMs): LeftoverDestination {
  const poolId = rolloverPoolId(moveId);
  return { toPoolId: poolId, rollover: { ...record, poolId, phaseId: target.id, budgetCents: 0, count: 0, createdAt: now } };
}

/** Records a leftover move of the pool's stock on `shards.from` (idempotent by move id: a retry gets the stored record). */
export function planLeftover(
  registry: ShowRegistry,
  record: PoolRecord,
  moveId: string,
  to: LeftoverDestination,
  shards: { from: number[]; to: number[] },
  now: EpochMs,
): MoveRecord {
  const planned: MoveRecord = {
    moveId,
    kind: "leftover",
    fromPoolId: record.poolId,
    toPoolId: to?.toPoolId ?? null,
    sponsorId: record.sponsorId,
    fromShards: shards.from,
    toShards: to ? shards.to : [],
    limit: null,
    state: "planned",
    landedCents: null,
    createdAt: now,
  };
  return registry.planMove(planned, to?.rollover ?? null);
}

/** Every shard takes back the envelopes of edge leases past their presentation deadline. */
export async function returnOverdueLeases(env: Env, now: EpochMs): Promise<number> {
  const returned = await Promise.all(allShards(env).map((shard) => shardStub(env, shard).returnLeases(null, now)));
  return returned.reduce((n, r) => n + r.returned, 0);
}
