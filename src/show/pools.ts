/**
 * Pool operations that span objects: create a sponsor pool (validate against the timeline,
 * register it with its split seed, load every shard's part) and read every shard's books.
 * Shard loads are idempotent, so a failed load is completed by loading again.
 */
import { groupProblem } from "../domain/group-envelope";
import { dealAcrossShards } from "../domain/pool-plan";
import { seededRandomInt } from "../domain/random";
import { splitAmount, splitProblem } from "../domain/split";
import { badRequest, notFound, unavailable } from "../errors";
import { allShards, shardStub, timelineStub } from "../objects";
import type { PoolRegister } from "./registry";
import type { RegisteredPool } from "../wire/rpc";
import type { CreatePoolRequest, CreatePoolResponse, PoolRecord, PoolSplitBudget, ShardLoad, Timeline } from "../wire/index";

export function poolProblem(timeline: Timeline | null, request: CreatePoolRequest, now = Date.now()): string | null {
  const phase = timeline?.phases.find((p) => p.id === request.phaseId);
  if (!phase) return `unknown phase "${request.phaseId}"`;
  if (phase.kind !== "lottery") return `phase "${phase.id}" is not a lottery phase`;
  if (phase.endsAt <= now) return `phase "${phase.id}" has ended; add the pool to a later lottery phase`;
  if (!timeline?.sponsors.some((s) => s.id === request.sponsorId)) return `unknown sponsor "${request.sponsorId}"`;
  if (!phase.sponsorIds.includes(request.sponsorId)) {
    return `sponsor "${request.sponsorId}" is not part of phase "${phase.id}"`;
  }
  if ((request.splitAmountCents === undefined) !== (request.splitCount === undefined)) {
    return "splitAmountCents and splitCount go together";
  }
  const split = splitBudget(request);
  const splitIssue = split && groupProblem(split.amountCents, split.count);
  if (splitIssue) return `split budget: ${splitIssue}`;
  return splitProblem(request.budgetCents, request.count, {
    minCents: request.minCents ?? 1,
    maxCents: request.maxCents ?? null,
  });
}

function splitBudget(request: CreatePoolRequest): PoolSplitBudget | undefined {
  const { splitAmountCents: amountCents, splitCount: count } = request;
  return amountCents !== undefined && count !== undefined ? { amountCents, count } : undefined;
}

/** Creates a pool of `timeline`: registered with its split seed where `registry` says, then loaded on every shard. */
export async function createPool(
  env: Env,
  registry: PoolRegister,
  request: CreatePoolRequest,
  timeline: Timeline | null,
): Promise<CreatePoolResponse> {
  const problem = poolProblem(timeline, request);
  if (problem) throw badRequest(problem, "invalid_pool");
  const split = splitBudget(request);
  const record: PoolRecord = {
    poolId: `pool-${crypto.randomUUID()}`,
    phaseId: request.phaseId,
    sponsorId: request.sponsorId,
    budgetCents: request.budgetCents,
    count: request.count,
    minCents: request.minCents ?? 1,
    maxCents: request.maxCents ?? null,
    createdAt: Date.now(),
    ...(split ? { split } : {}),
  };
  const pool: RegisteredPool = { record, seed: crypto.randomUUID() };
  const refused = await registry.registerPool(pool);
  if (refused) throw badRequest(refused, "invalid_pool");
  return { pool: record, shards: await loadPool(env, pool) };
}

/** Loads every shard's part of a registered pool (idempotent per shard). */
export async function loadPool(env: Env, { record, seed }: RegisteredPool): Promise<ShardLoad[]> {
  const amounts = splitAmount(
    record.budgetCents,
    record.count,
    { minCents: record.minCents, maxCents: record.maxCents },
    seededRandomInt(seed),
  );
  const parts = dealAcrossShards(amounts, allShards(env).length);
  try {
    return await Promise.all(
      parts.map(async (part) => {
        const loaded = await shardStub(env, part.shard).loadPool({
          poolId: record.poolId,
          phaseId: record.phaseId,
          sponsorId: record.sponsorId,
          shard: part.shard,
          amounts: part.amounts,
        });
        return { shard: part.shard, ...loaded };
      }),
    );
  } catch (err) {
    console.error("pool load incomplete", record.poolId, err);
    throw unavailable(`pool ${record.poolId} is registered but not every shard loaded; retry the load`);
  }
}

export async function reloadPool(env: Env, poolId: string): Promise<ShardLoad[]> {
  const pool = (await timelineStub(env).pools()).find((p) => p.record.poolId === poolId);
  if (!pool) throw notFound(`unknown pool "${poolId}"`);
  if (pool.record.count === 0) throw badRequest(`pool "${poolId}" is a rollover pool: its envelopes arrive by moves`);
  return loadPool(env, pool);
}

/**
 * Every shard's books (its figures and its side of every move), then the registry's pools
 * and moves. Shards first: a move or rollover pool is registered before any shard acts on
 * it, so every shard entry is known to the registry read after it.
 */
export async function readShardBooks(env: Env) {
  const books = await Promise.all(allShards(env).map((shard) => shardStub(env, shard).books()));
  const timeline = timelineStub(env);
  const [pools, moves] = await Promise.all([timeline.pools(), timeline.moves()]);
  return { pools: pools.map((p) => p.record), moves, books };
}
