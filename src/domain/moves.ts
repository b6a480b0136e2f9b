/**
 * Where stock goes when it moves: a closed lottery phase's leftovers roll into the same
 * sponsor's next lottery phase (or back to the sponsor's unallocated budget), and during a
 * phase, shards that ran dry take half the stock of the fullest shard. Move ids are derived
 * from what they move, so a retried step finds the move it already started.
 */
import { fnv1a } from "./hash";
import type { EpochMs, Phase } from "../wire/index";

/**
 * The sponsor's next lottery phase after `closed` that has not closed itself (stock rolled
 * into a closed phase could never be claimed nor returned), or null when there is none.
 */
export function nextLotteryPhase(
  phases: readonly Phase[],
  closed: Phase,
  sponsorId: string,
  closedPhaseIds: ReadonlySet<string> = new Set(),
): Phase | null {
  return (
    phases
      .filter((p) => p.kind === "lottery" && p.id !== closed.id && p.startsAt >= closed.endsAt && !closedPhaseIds.has(p.id))
      .filter((p) => p.sponsorIds.includes(sponsorId))
      .sort((a, b) => a.startsAt - b.startsAt)[0] ?? null
  );
}

/**
 * A pool's leftovers move once per round: the first round (the phase's close) under the pool's
 * id, each later one (stock that came back after the last round landed) under its number.
 */
export function leftoverMoveId(poolId: string, round = 0): string {
  return round === 0 ? `left:${poolId}` : `left:${poolId}#${round}`;
}

/**
 * The pool in the next phase that receives a leftover move: derived from the move id (so a
 * retried move lands in the same pool) but of fixed length, however often stock rolls over.
 */
export function rolloverPoolId(moveId: string): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return `roll-${hex(fnv1a(moveId))}${hex(fnv1a(`rollover|${moveId}`))}`;
}

export function rebalanceMoveId(poolId: string, from: number, to: number, at: EpochMs): string {
  return `bal:${poolId}:${from}>${to}:${at}`;
}

export interface Transfer {
  from: number;
  to: number;
  count: number;
}

/**
 * Transfers that refill dry shards (remaining 0) from the fullest ones: each dry shard
 * takes half of the current fullest shard's stock, as long as that shard has at least 2.
 * `remaining[i]` is shard i's remaining envelope count for one pool.
 */
export function planRebalance(remaining: readonly number[]): Transfer[] {
  const stock = [...remaining];
  const transfers: Transfer[] = [];
  for (let to = 0; to < stock.length; to++) {
    if (stock[to] !== 0) continue;
    const from = stock.reduce((best, n, i) => (n > stock[best] ? i : best), 0);
    const count = Math.floor(stock[from] / 2);
    if (count < 1) break;
    stock[from] -= count;
    stock[to] += count;
    transfers.push({ from, to, count });
  }
  return transfers;
}
