/**
 * Merge verification, like the seed system's per-machine envelope files merged back for
 * checking: per pool and per shard, loaded + moved in + merged in = claimed + remaining +
 * leased + moved out + merged out, and per pool the registered budget + moved in = claimed +
 * remaining + leased + moved out. Moves are checked from both ends: a done move landed
 * exactly the cents its sources gave up. A leased claim merged from its lease shard into
 * another home shard is "merged out" at the one and "merged in" (and claimed) at the other;
 * between the home's record and the lease shard's receipt of the answer it is claimed at
 * home and still leased at the lease shard, so per pool "leased" is what the lease shards
 * hold less what their homes already recorded (merged in − merged out over the shards).
 */
import type { MoveRecord, MoveVerification, PoolRecord, PoolVerification, ShardPoolVerification, VerificationReport } from "../wire/index";
import type { ShardBooks } from "../wire/rpc";

function shardPool(books: ShardBooks, poolId: string): ShardPoolVerification | null {
  const figures = books.pools.find((p) => p.poolId === poolId);
  const moves = books.moves.filter((m) => m.poolId === poolId);
  if (!figures && moves.length === 0) return null;
  const movedInCents = moves.reduce((sum, m) => sum + m.inCents, 0);
  const movedOutCents = moves.reduce((sum, m) => sum + m.outCents, 0);
  const movedInCount = moves.reduce((sum, m) => sum + m.inCount, 0);
  const movedOutCount = moves.reduce((sum, m) => sum + m.outCount, 0);
  const loadedCents = figures?.loadedCents ?? 0;
  const claimedCents = figures?.claimedCents ?? 0;
  const remainingCents = figures?.remainingCents ?? 0;
  const claimedCount = figures?.claimedCount ?? 0;
  const remainingCount = figures?.remainingCount ?? 0;
  const leasedCents = figures?.leasedCents ?? 0;
  const leasedCount = figures?.leasedCount ?? 0;
  const mergedInCents = figures?.mergedInCents ?? 0;
  const mergedOutCents = figures?.mergedOutCents ?? 0;
  const mergedInCount = figures?.mergedInCount ?? 0;
  const mergedOutCount = figures?.mergedOutCount ?? 0;
  return {
    shard: books.shard,
    loadedCents,
    claimedCents,
    remainingCents,
    leasedCents,
    movedInCents,
    movedOutCents,
    loadedCount: figures?.loadedCount ?? 0,
    claimedCount,
    remainingCount,
    leasedCount,
    mergedInCents,
    mergedOutCents,
    pass:
      loadedCents + movedInCents + mergedInCents === claimedCents + remainingCents + leasedCents + movedOutCents + mergedOutCents &&
      (figures?.loadedCount ?? 0) + movedInCount + mergedInCount ===
        claimedCount + remainingCount + leasedCount + movedOutCount + mergedOutCount,
  };
}

const sum = (rows: readonly ShardPoolVerification[], key: keyof ShardPoolVerification) =>
  rows.reduce((total, row) => total + Number(row[key]), 0);

export function verifyPool(pool: PoolRecord, books: readonly ShardBooks[]): PoolVerification {
  const shards = books.flatMap((shard) => shardPool(shard, pool.poolId) ?? []);
  const totals = {
    loadedCents: sum(shards, "loadedCents"),
    claimedCents: sum(shards, "claimedCents"),
    remainingCents: sum(shards, "remainingCents"),
    // Lent and not recorded at any home yet (see the comment at the top).
    leasedCents: sum(shards, "leasedCents") - sum(shards, "mergedInCents") + sum(shards, "mergedOutCents"),
    movedInCents: sum(shards, "movedInCents"),
    movedOutCents: sum(shards, "movedOutCents"),
  };
  return {
    poolId: pool.poolId,
    phaseId: pool.phaseId,
    sponsorId: pool.sponsorId,
    budgetCents: pool.budgetCents,
    ...totals,
    pass:
      shards.every((s) => s.pass) &&
      pool.budgetCents === totals.loadedCents &&
      pool.count === sum(shards, "loadedCount") &&
      pool.budgetCents + totals.movedInCents === totals.claimedCents + totals.remainingCents + totals.leasedCents + totals.movedOutCents,
    shards,
  };
}

export function verifyMove(move: MoveRecord, books: readonly ShardBooks[]): MoveVerification {
  let takenCents = 0;
  let arrivedCents = 0;
  for (const shard of books) {
    for (const m of shard.moves) {
      if (m.moveId !== move.moveId) continue;
      takenCents += m.outCents;
      arrivedCents += m.inCents;
    }
  }
  const landedCents = move.toPoolId === null ? (move.landedCents ?? 0) : arrivedCents;
  return {
    moveId: move.moveId,
    kind: move.kind,
    fromPoolId: move.fromPoolId,
    toPoolId: move.toPoolId,
    state: move.state,
    takenCents,
    landedCents,
    inTransitCents: takenCents - landedCents,
    pass: landedCents <= takenCents && (move.state === "planned" || landedCents === takenCents),
  };
}

/** Cents each sponsor got back because their pool had no next lottery phase to roll into. */
export function returnedBySponsor(moves: readonly MoveRecord[]): Record<string, number> {
  const returned: Record<string, number> = {};
  for (const move of moves) {
    if (move.toPoolId !== null || move.state !== "done") continue;
    returned[move.sponsorId] = (returned[move.sponsorId] ?? 0) + (move.landedCents ?? 0);
  }
  return returned;
}

/** The full report, optionally narrowed to one phase's pools and the moves touching them. */
export function verificationReport(
  galaId: string,
  phaseId: string | null,
  pools: readonly PoolRecord[],
  books: readonly ShardBooks[],
  moves: readonly MoveRecord[],
): VerificationReport {
  const selected = pools.filter((p) => phaseId === null || p.phaseId === phaseId);
  const ids = new Set(selected.map((p) => p.poolId));
  const poolChecks = selected.map((pool) => verifyPool(pool, books));
  const moveChecks = moves
    .filter((m) => phaseId === null || ids.has(m.fromPoolId) || (m.toPoolId !== null && ids.has(m.toPoolId)))
    .map((move) => verifyMove(move, books));
  return {
    galaId,
    phaseId,
    pass: poolChecks.every((p) => p.pass) && moveChecks.every((m) => m.pass),
    pools: poolChecks,
    moves: moveChecks,
    returnedCents: returnedBySponsor(moves),
    inTransitCents: moveChecks.reduce((sum, m) => sum + m.inTransitCents, 0),
  };
}
