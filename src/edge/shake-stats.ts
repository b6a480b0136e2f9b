/**
 * "Shakes seen" without a Durable Object call per shake: each isolate adds shakes and
 * envelope candidates up in memory, per (shard of the user, phase, time bucket), and at
 * most once per STATS_FLUSH_MS one request flushes the sums to the shards in the
 * background (one call per shard with counts). Counts of a flush that fails are put back
 * and go with the next one. An isolate that stops receiving shakes keeps its last unflushed
 * counts until its next shake: the console's figures may trail by one flush interval.
 */
import { statsFlushMs } from "../config";
import { shardStub } from "../objects";
import type { EpochMs } from "../wire/index";
import type { ShakeCount } from "../wire/rpc";
import { groupBy } from "../domain/group-by";

export const STATS_BUCKET_MS = 5_000;

let pending = new Map<string, ShakeCount & { shard: number }>();
let lastFlushAt = 0;
let flushing = false;

function add(entry: ShakeCount & { shard: number }): void {
  const key = `${entry.shard}|${entry.phaseId}|${entry.bucket}`;
  const current = pending.get(key);
  if (current) {
    current.shakes += entry.shakes;
    current.candidates += entry.candidates;
  } else pending.set(key, { ...entry });
}

export function countShake(
  env: Env,
  phaseId: string,
  shard: number,
  candidate: boolean,
  now: EpochMs,
  waitUntil: (p: Promise<unknown>) => void,
): void {
  const bucket = Math.floor(now / STATS_BUCKET_MS) * STATS_BUCKET_MS;
  add({ shard, phaseId, bucket, shakes: 1, candidates: candidate ? 1 : 0 });
  if (!flushing && now - lastFlushAt >= statsFlushMs(env)) {
    flushing = true;
    lastFlushAt = now;
    waitUntil(flush(env).finally(() => (flushing = false)));
  }
}

async function flush(env: Env): Promise<void> {
  const batch = pending;
  pending = new Map();
  const byShard = groupBy(
    batch.values(),
    (entry) => entry.shard,
    (entry) => entry,
  );
  await Promise.all(
    [...byShard].map(async ([shard, entries]) => {
      try {
        await shardStub(env, shard).recordShakes(
          entries.map(({ phaseId, bucket, shakes, candidates }): ShakeCount => ({ phaseId, bucket, shakes, candidates })),
        );
      } catch (err) {
        console.warn("shake counts not flushed; keeping them for the next flush", String(err));
        entries.forEach(add);
      }
    }),
  );
}
