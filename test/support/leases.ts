/** Helpers for edge-lease tests: lean-wire shakes with a holdings header, presenting and opening signed claims. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { allShards, shardStub } from "../../src/objects";
import type { PresentResponse, ShakeResponse } from "../../src/wire/index";
import type { LeasedClaim, LeaseGrant } from "../../src/wire/rpc";
import { audit, createPool, json } from "./api";
import { liveLotteryShow } from "./show";
import { SPONSORS } from "./phases";
import { dropIsolateLeases, sweepLeases } from "../../src/edge/edge-leases";
import { sessionsOnShard, shake, type Viewer } from "./viewers";
import { eventually, sleep } from "./wait";

export type Won = Extract<ShakeResponse, { kind: "envelope" }>;

/** A live edge-lease lottery phase (every shake a candidate) with one pool per sponsor. */
export async function leaseShow(tag: string, envelopesPerSponsor: number, sponsors = SPONSORS.length) {
  const { timeline, lotteryId } = await liveLotteryShow(tag, {
    issuance: "edge-leases",
    sponsorIds: SPONSORS.slice(0, sponsors).map((s) => s.id),
  });
  for (const sponsor of SPONSORS.slice(0, sponsors)) {
    await createPool({ phaseId: lotteryId, sponsorId: sponsor.id, budgetCents: envelopesPerSponsor * 100, count: envelopesPerSponsor });
  }
  return { timeline, lotteryId };
}

/** A viewer shaking as the PWA does: sequentially, always sending the latest holdings it got. */
export async function honestShakes(v: Viewer, count: number, tag: string): Promise<Won[]> {
  let holdings: string | undefined;
  const wins: Won[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await shake(v.token, `${tag}-${v.userId.slice(-6)}-${i}`, { wire: "lean", holdings });
    if (answer.kind === "envelope") {
      wins.push(answer);
      holdings = answer.holdings ?? holdings;
    }
  }
  return wins;
}

/**
 * Returns once this isolate holds a lease on the shard of `neighbours` (viewers sharing one
 * home shard): they shake in turn, each sending the latest holdings it got as the PWA does,
 * until one wins from the lease; that win, its viewer, and every win that viewer had on the
 * way. The first candidates find no lease and start the call for one (they win from the
 * shard meanwhile, so the viewer may hold a shard claim besides the leased win).
 */
export async function leaseInPlace(neighbours: readonly Viewer[], tag: string): Promise<{ viewer: Viewer; won: Won; wins: Won[] }> {
  let turn = 0;
  let viewer = neighbours[0];
  const wins = new Map<string, Won[]>();
  const holdings = new Map<string, string>();
  const won = await eventually(
    async () => {
      viewer = neighbours[turn % neighbours.length];
      const answer = await shake(viewer.token, `${tag}-${turn++}`, { wire: "lean", holdings: holdings.get(viewer.userId) });
      if (answer.kind === "envelope") {
        wins.set(viewer.userId, [...(wins.get(viewer.userId) ?? []), answer]);
        if (answer.holdings) holdings.set(viewer.userId, answer.holdings);
      }
      return answer;
    },
    (answer) => answer.kind === "envelope" && answer.envelope.signedClaim !== undefined,
  );
  return { viewer, won: won as Won, wins: wins.get(viewer.userId) ?? [] };
}

/**
 * Lets this isolate send the reports that came due, as any shake does first (`sweepLeases`),
 * with its calls awaited; then the lease shards merge the claims into their home shards (within
 * their flush delay). Not by a shake: a fresh viewer's shake in a lease phase wins an envelope
 * nobody presents, whose report can come after its lease returned (voided `late`).
 */
export async function letIsolateReport(): Promise<void> {
  await sleep(Number(env.LEASE_REPORT_MS) + 100);
  const calls: Promise<unknown>[] = [];
  sweepLeases(env, { waitUntil: (call) => calls.push(call) }, Date.now());
  await Promise.all(calls);
  await eventually(
    () => audit(600_000),
    (a) => a.leases.merging === 0,
  );
}

export async function present(v: Viewer, signedClaims: string[]): Promise<PresentResponse["results"]> {
  const res = await json("POST", "/api/envelopes/present", { signedClaims }, v.token);
  expect(res.status).toBe(200);
  return ((await res.json()) as PresentResponse).results;
}

export function openWon(v: Viewer, won: Won, withClaim = true): Promise<Response> {
  const body = withClaim && won.envelope.signedClaim ? { signedClaim: won.envelope.signedClaim } : {};
  return json("POST", `/api/envelopes/${won.envelope.claimId}/open`, body, v.token);
}

/** Runs `sql` in every pool shard (a fault injector: e.g. a trigger that keeps leased envelopes from leaving). */
export async function inEveryShard(sql: string): Promise<void> {
  await Promise.all(allShards(env).map((s) => runInDurableObject(shardStub(env, s), (_, state) => void state.storage.sql.exec(sql))));
}

/** A leased win of `v` with no holdings sent, from a lease this isolate holds on v's shard. */
export async function leasedWin(v: Viewer, neighbours: Viewer[], tag: string): Promise<Won> {
  await leaseInPlace(neighbours, `${tag}-n`);
  const won = await eventually(
    () => shake(v.token, `${tag}-${crypto.randomUUID().slice(0, 6)}`, { wire: "lean" }),
    (answer) => answer.kind === "envelope",
  );
  if (won.kind !== "envelope" || !won.envelope.signedClaim) throw new Error(`expected a leased win: ${JSON.stringify(won)}`);
  return won;
}

/** Two leased wins of one viewer on `shard` from the one sponsor, each on an isolate that died with it unreported. */
export async function twoLeasedWins(tag: string, shard: number): Promise<{ v: Viewer; first: Won; second: Won }> {
  const [v, ...neighbours] = await sessionsOnShard(shard, 6);
  const first = await leasedWin(v, neighbours, `${tag}-a`);
  dropIsolateLeases();
  const second = await leasedWin(v, neighbours, `${tag}-b`);
  dropIsolateLeases();
  expect(second.envelope.claimId).not.toBe(first.envelope.claimId);
  return { v, first, second };
}

/** What an isolate's lease call gets from `shard` now (no pacing window); throws when the shard lends nothing. */
export async function lendFrom(shard: number, phaseId: string, count: number): Promise<LeaseGrant> {
  const now = Date.now();
  const answer = await shardStub(env, shard).leaseExchange({
    isolateId: `isolate-${shard}-${crypto.randomUUID()}`,
    claims: [],
    unused: [],
    want: { phaseId, count, expiresAt: now + 60_000, window: null },
    now,
  });
  if (!answer.lease) throw new Error(`shard ${shard} lent nothing`);
  return answer.lease;
}

/** The claim an isolate issues `who` on the lease's envelope `envelopeId` at `issuedAt`. */
export function leasedClaim(
  lease: LeaseGrant,
  envelopeId: string,
  who: { userId: string; homeShard: number; galaId: string },
  issuedAt = Date.now(),
): LeasedClaim {
  const e = lease.envelopes.find((x) => x.envelopeId === envelopeId)!;
  return {
    claimId: crypto.randomUUID(),
    leaseId: lease.leaseId,
    shard: lease.shard,
    homeShard: who.homeShard,
    envelopeId,
    poolId: e.poolId,
    sponsorId: e.sponsorId,
    amountCents: e.amountCents,
    userId: who.userId,
    requestId: crypto.randomUUID(),
    phaseId: lease.phaseId,
    galaId: who.galaId,
    issuedAt,
  };
}
