/**
 * The ledger store probe: one worker with the two candidate stores for ledger partitions,
 * written with the same rows settlement writes. `d1` is a D1 database written the way the
 * ledger was before partitions (one D1 batch per settlement batch: the rows, then each
 * winner's balance recomputed); `object` is the project's own LedgerPartition object
 * (durable-objects/ledger-partition.ts). Driven by ../ledger-stores.mjs.
 */
import type { LedgerCredit } from "../../../src/wire/rpc";
import { LedgerPartition } from "../../../durable-objects/ledger-partition";

export { LedgerPartition };

interface ProbeEnv {
  DB: D1Database;
  PARTITION: DurableObjectNamespace<LedgerPartition>;
}

/** One D1 batch per settlement batch: each row once, then each winner's balance from their rows. */
async function creditD1(db: D1Database, credits: readonly LedgerCredit[], now: number): Promise<void> {
  const insert = db.prepare(
    `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, claim_id, pool_id, phase_id, sponsor_id, ref, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const balance = db.prepare(
    `INSERT INTO wallets (user_id, balance_cents, updated_at)
     VALUES (?1, (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE user_id = ?1), ?2)
     ON CONFLICT (user_id) DO UPDATE SET balance_cents = excluded.balance_cents, updated_at = excluded.updated_at`,
  );
  await db.batch([
    ...credits.map((c) =>
      insert.bind(
        c.entryId,
        c.userId,
        c.kind,
        c.amountCents,
        c.claimId ?? null,
        c.poolId ?? null,
        c.phaseId ?? null,
        c.sponsorId ?? null,
        null,
        now,
      ),
    ),
    ...[...new Set(credits.map((c) => c.userId))].map((userId) => balance.bind(userId, now)),
  ]);
}

function credits(run: string, batch: number, size: number): LedgerCredit[] {
  return Array.from({ length: size }, (_, i) => {
    const claimId = `${run}-${batch}-${i}`;
    return {
      entryId: `claim:${claimId}`,
      userId: `u_${run}_${batch}_${i}`,
      kind: "envelope",
      amountCents: 1 + ((batch * 7919 + i * 104729) % 2000),
      claimId,
      poolId: `pool-${run}`,
      phaseId: "phase-probe",
      sponsorId: "sponsor-probe",
    };
  });
}

/** Rows and cents a store holds for one run's pool. */
async function stored(env: ProbeEnv, store: string | null, poolId: string): Promise<{ count: number; cents: number }> {
  if (store === "d1") {
    const row = await env.DB.prepare("SELECT COUNT(*) AS count, COALESCE(SUM(amount_cents), 0) AS cents FROM ledger WHERE pool_id = ?")
      .bind(poolId)
      .first<{ count: number; cents: number }>();
    return row ?? { count: 0, cents: 0 };
  }
  const sums = (await env.PARTITION.getByName("partition-0").poolSums()).find((p) => p.poolId === poolId);
  return { count: sums?.count ?? 0, cents: sums?.cents ?? 0 };
}

/**
 * `GET /run?store=d1|object&size=N&batches=K&parallel=P`: K batches of N credits, P at a time;
 * answers the time taken and, to check that every credit landed once, the rows and cents the
 * store holds for the run against those sent.
 */
async function run(env: ProbeEnv, url: URL): Promise<Response> {
  const store = url.searchParams.get("store");
  const size = Number(url.searchParams.get("size") ?? 100);
  const batches = Number(url.searchParams.get("batches") ?? 20);
  const parallel = Number(url.searchParams.get("parallel") ?? 1);
  const runId = crypto.randomUUID().slice(0, 8);
  const partition = env.PARTITION.getByName("partition-0");
  const write = (b: number) => {
    const batch = credits(runId, b, size);
    expected.count += batch.length;
    for (const c of batch) expected.cents += c.amountCents;
    return store === "d1" ? creditD1(env.DB, batch, Date.now()) : partition.credit(batch, Date.now());
  };
  const expected = { count: 0, cents: 0 };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches) await write(next++);
    }),
  );
  const ms = performance.now() - started;
  const bytes = store === "d1" ? null : await partition.storageBytes();
  return Response.json({
    store,
    size,
    batches,
    parallel,
    rows: size * batches,
    ms,
    bytes,
    expected,
    stored: await stored(env, store, `pool-${runId}`),
  });
}

export default {
  fetch(request: Request, env: ProbeEnv): Promise<Response> {
    return run(env, new URL(request.url));
  },
};
