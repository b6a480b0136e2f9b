/**
 * The ledger store probe: one worker with the two candidate stores for ledger partitions,
 * written with the same rows settlement writes. `d1` goes through the project's own D1
 * writer (src/money/wallet-ledger.ts); `object` writes the same schema into one
 * SQLite-backed Durable Object, one transaction per batch. Driven by ../ledger-stores.mjs.
 */
import { DurableObject } from "cloudflare:workers";
import { creditLedger, type LedgerCredit } from "../../../src/money/wallet-ledger";
import LEDGER_SCHEMA from "../../../migrations/0001_ledger.sql";

interface ProbeEnv {
  DB: D1Database;
  PARTITION: DurableObjectNamespace<LedgerPartitionProbe>;
}

/** A ledger partition as a SQLite-backed object: the D1 schema, credits in one transaction. */
export class LedgerPartitionProbe extends DurableObject<ProbeEnv> {
  constructor(ctx: DurableObjectState, env: ProbeEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(LEDGER_SCHEMA.replaceAll("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ").replaceAll("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS "));
  }

  credit(credits: LedgerCredit[], now: number): number {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      let written = 0;
      for (const c of credits) {
        written += sql.exec(
          `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, claim_id, pool_id, phase_id, sponsor_id, ref, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          c.entryId, c.userId, c.kind, c.amountCents, c.claimId ?? null, c.poolId ?? null, c.phaseId ?? null, c.sponsorId ?? null, c.ref ?? null, now,
        ).rowsWritten;
      }
      for (const userId of new Set(credits.map((c) => c.userId))) {
        sql.exec(
          `INSERT INTO wallets (user_id, balance_cents, updated_at)
           VALUES (?1, (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE user_id = ?1), ?2)
           ON CONFLICT (user_id) DO UPDATE SET balance_cents = excluded.balance_cents, updated_at = excluded.updated_at`,
          userId, now,
        );
      }
      return written;
    });
  }

  bytes(): number {
    return this.ctx.storage.sql.databaseSize;
  }
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
      poolId: "pool-probe",
      phaseId: "phase-probe",
      sponsorId: "sponsor-probe",
    };
  });
}

/** `GET /run?store=d1|object&size=N&batches=K&parallel=P`: K batches of N credits, P at a time. */
async function run(env: ProbeEnv, url: URL): Promise<Response> {
  const store = url.searchParams.get("store");
  const size = Number(url.searchParams.get("size") ?? 100);
  const batches = Number(url.searchParams.get("batches") ?? 20);
  const parallel = Number(url.searchParams.get("parallel") ?? 1);
  const runId = crypto.randomUUID().slice(0, 8);
  const partition = env.PARTITION.getByName("partition-0");
  const write = (b: number) =>
    store === "d1" ? creditLedger(env.DB, credits(runId, b, size), Date.now()) : partition.credit(credits(runId, b, size), Date.now());
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches) await write(next++);
    }),
  );
  const ms = performance.now() - started;
  const bytes = store === "d1" ? null : await partition.bytes();
  return Response.json({ store, size, batches, parallel, rows: size * batches, ms, bytes });
}

export default {
  fetch(request: Request, env: ProbeEnv): Promise<Response> {
    return run(env, new URL(request.url));
  },
};
