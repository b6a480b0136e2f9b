/**
 * "Shakes seen" without a Durable Object call per shake: each isolate adds shakes and
 * envelope candidates up in memory, per (phase, time bucket) with one slot per shard of
 * the user, and at most once per STATS_FLUSH_MS one request flushes the sums to the shards
 * in the background (one call per shard with counts). Counting a shake allocates nothing
 * while the phase and bucket stay the same. Counts of a flush that fails are put back and
 * go with the next one (shards add counts up, so a (phase, bucket) may arrive in parts).
 * An isolate that stops receiving shakes keeps its last unflushed counts until its next
 * shake: the console's figures may trail by one flush interval.
 */
import { shardCount, statsFlushMs } from "../config";
import { shardStub } from "../objects";
import type { EpochMs } from "../wire/index";
import type { ShakeCount } from "../wire/rpc";
import { groupBy } from "../domain/group-by";
import type { Background } from "./context";

export const STATS_BUCKET_MS = 5_000;

/** The counts of one (phase, bucket), indexed by shard. */
interface Tally {
  phaseId: string;
  bucket: number;
  shakes: number[];
  candidates: number[];
}

let current: Tally | null = null;
/** Tallies of earlier (phase, bucket)s and of failed flushes, waiting for the next flush. */
let waiting: Tally[] = [];
let lastFlushAt = 0;
let flushing = false;

function tally(phaseId: string, bucket: number, shards: number): Tally {
  return { phaseId, bucket, shakes: new Array<number>(shards).fill(0), candidates: new Array<number>(shards).fill(0) };
}

export function countShake(env: Env, phaseId: string, shard: number, candidate: boolean, now: EpochMs, background: Background): void {
  const bucket = now - (now % STATS_BUCKET_MS);
  if (!current || current.bucket !== bucket || current.phaseId !== phaseId || current.shakes.length <= shard) {
    if (current) waiting.push(current);
    current = tally(phaseId, bucket, Math.max(shardCount(env), shard + 1));
  }
  current.shakes[shard]++;
  if (candidate) current.candidates[shard]++;
  if (!flushing && now - lastFlushAt >= statsFlushMs(env)) {
    flushing = true;
    lastFlushAt = now;
    background.waitUntil(flush(env).finally(() => (flushing = false)));
  }
}

/** The counts of each shard in `tallies`, as the shards record them. */
function byShard(tallies: readonly Tally[]): Map<number, ShakeCount[]> {
  const counts = tallies.flatMap((t) =>
    t.shakes.flatMap((shakes, shard) =>
      shakes === 0 ? [] : [{ shard, count: { phaseId: t.phaseId, bucket: t.bucket, shakes, candidates: t.candidates[shard] } }],
    ),
  );
  return groupBy(
    counts,
    (entry) => entry.shard,
    (entry) => entry.count,
  );
}

function putBack(shard: number, counts: readonly ShakeCount[]): void {
  for (const c of counts) {
    const t = tally(c.phaseId, c.bucket, shard + 1);
    t.shakes[shard] = c.shakes;
    t.candidates[shard] = c.candidates;
    waiting.push(t);
  }
}

async function flush(env: Env): Promise<void> {
  const batch = current ? [...waiting, current] : waiting;
  current = null;
  waiting = [];
  await Promise.all(
    [...byShard(batch)].map(async ([shard, counts]) => {
      try {
        await shardStub(env, shard).recordShakes(counts);
      } catch (err) {
        console.warn("shake counts not flushed; keeping them for the next flush", String(err));
        putBack(shard, counts);
      }
    }),
  );
}
