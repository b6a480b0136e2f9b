/**
 * A sponsor's statement, read from the stores: the pool registry and moves (timeline), every
 * shard's books and the ledger partitions' settled sums per pool, merged by
 * src/domain/sponsor-statement.ts. The shards are read before the ledger, so a claim settling
 * meanwhile is issued in the shards' books before it is counted as settled.
 */
import { sponsorStatement } from "../domain/sponsor-statement";
import { notFound, unavailable } from "../errors";
import { timelineStub } from "../objects";
import { readShardBooks } from "../show/pools";
import type { SponsorStatement } from "../wire/index";
import { settledByPool } from "./wallet-ledger";

export async function readSponsorStatement(env: Env, sponsorId: string): Promise<SponsorStatement> {
  const readAt = Date.now();
  const [{ pools, moves, books }, timeline] = await Promise.all([readShardBooks(env), timelineStub(env).read()]);
  if (!pools.some((p) => p.sponsorId === sponsorId)) throw notFound(`no pool of sponsor "${sponsorId}"`);
  const ledger = await settledByPool(env).catch((err) => {
    console.error("ledger unreadable for the statement", String(err));
    throw unavailable("the ledger is unavailable; the statement needs it");
  });
  return sponsorStatement({ sponsorId, galaId: timeline?.galaId ?? "", readAt, timeline, pools, books, moves, ledger });
}
