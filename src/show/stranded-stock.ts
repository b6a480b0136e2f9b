/**
 * Stock back in a closed pool after its leftover move landed (docs/reliability.md, mode 4): an
 * envelope a lease returned, a claim voided or displaced at the merge, after the close took the
 * pool's stock. Never claimable there, it would stay for ever; the show clock moves it on in a
 * new round of the pool's leftover move, as soon as a shard reports it (arming.ts: every run).
 *
 * Each round has its own move id (`leftoverMoveId(pool, round)`), so each is exactly once on
 * every shard: a retried round takes out what its first attempt took, a round that failed half
 * way stays planned and the next run finishes it (move-runner.ts), and stock that comes back
 * after a round's take-out waits for the next round. The round's number is the pool's leftover
 * moves so far, and a pool with one still planned gets no new round: the show clock's runs are
 * queued one at a time, so a retried or concurrent run finds the round already recorded.
 *
 * The stock goes where the first round sent it: back to the sponsor, or into its rollover pool
 * while that pool's phase has not closed; once it has, into a new rollover pool of the
 * sponsor's next unclosed lottery phase (or back to the sponsor), as a close would choose now.
 */
import { leftoverMoveId, nextLotteryPhase } from "../domain/moves";
import { allShards } from "../objects";
import type { StrandedStock } from "./arming";
import { executeMove } from "./move-runner";
import { planLeftover, rolloverInto, type LeftoverDestination } from "./phase-close";
import type { ShowRegistry } from "./registry";
import type { EpochMs, MoveRecord, PoolRecord } from "../wire/index";

/** Moves the stock the shards reported in closed pools; returns the ids of the rounds that landed. */
export async function moveStrandedStock(env: Env, registry: ShowRegistry, stranded: StrandedStock, now: EpochMs): Promise<string[]> {
  if (stranded.size === 0) return [];
  const records = new Map(registry.pools().map((p) => [p.record.poolId, p.record]));
  const closed = new Set(registry.closedPhaseIds());
  const moves = registry.moves();
  const landed = await Promise.allSettled(
    [...stranded].map(async ([poolId, shards]) => {
      const record = records.get(poolId);
      const rounds = moves.filter((m) => m.kind === "leftover" && m.fromPoolId === poolId);
      // A pool with no leftover move yet is closed again (show-clock.ts phasesToReclose); a round still planned is finished first.
      if (!record || rounds.length === 0 || rounds.some((m) => m.state === "planned")) return null;
      const moveId = leftoverMoveId(poolId, rounds.length);
      const to = destination(registry, { records, closed }, record, rounds[0], moveId, now);
      const move = planLeftover(registry, record, moveId, to, { from: shards, to: allShards(env) }, now);
      await executeMove(env, registry, move);
      return moveId;
    }),
  );
  for (const r of landed)
    if (r.status === "rejected") console.warn("show clock: stock in a closed pool not moved yet; retrying", String(r.reason));
  return landed.flatMap((r) => (r.status === "fulfilled" && r.value !== null ? [r.value] : []));
}

/** Where a new round goes (see above), read from the show as this run found it. */
function destination(
  registry: ShowRegistry,
  show: { records: ReadonlyMap<string, PoolRecord>; closed: ReadonlySet<string> },
  record: PoolRecord,
  first: MoveRecord,
  moveId: string,
  now: EpochMs,
): LeftoverDestination {
  if (first.toPoolId === null) return null;
  const { closed } = show;
  const rollover = show.records.get(first.toPoolId);
  if (rollover && !closed.has(rollover.phaseId)) return { toPoolId: rollover.poolId, rollover: null };
  const phases = registry.document()?.phases ?? [];
  const phase = phases.find((p) => p.id === record.phaseId);
  const target = phase ? nextLotteryPhase(phases, phase, record.sponsorId, closed) : null;
  return target ? rolloverInto(record, moveId, target, now) : null;
}
