/**
 * Edge leases (docs/money-flow.md): wins answered from an isolate's lease with no call, each
 * recorded exactly once on the winner's home shard from the isolate's report or the client's
 * presentation; limits enforced exactly at the record (an honest client is never voided);
 * nothing lost when the isolate vanishes; leased envelopes in the audit. Against the real
 * worker, shards, queue and ledger (LEASE_TTL_MS 4 s and LEASE_PRESENT_MS 6 s here).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { dropIsolateLeases, leaseCalls } from "../../src/edge/edge-leases";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import { MIN_LEASE } from "../../src/domain/lease-terms";
import { allShards, shardStub, userShard } from "../../src/objects";
import { admin, audit, session, wallet } from "../support/api";
import { honestShakes, inEveryShard, leaseInPlace, leaseShow, letIsolateReport, openWon, present, type Won } from "../support/leases";
import { SPONSORS } from "../support/phases";
import { expectBalanced, repair } from "../support/repair";
import { sessionsOnShard, shake, type Viewer } from "../support/viewers";
import { eventually, sleep } from "../support/wait";
import type { StatsReport, TickReport } from "../../src/wire/index";

/** Past a lease's return time (LEASE_TTL_MS + LEASE_PRESENT_MS after its grant), with room for a flush. */
const PAST_RETURN_MS = Number(env.LEASE_TTL_MS) + Number(env.LEASE_PRESENT_MS) + 500;

const signed = (wins: Won[]) => wins.filter((w) => w.envelope.signedClaim);

/** Every shard's voided claims, with their reasons. */
const voidedClaims = async () =>
  (
    await Promise.all(
      allShards(env).map((shard) =>
        runInDurableObject(shardStub(env, shard), (_, state) => state.storage.sql.exec("SELECT * FROM voided_claims").toArray()),
      ),
    )
  ).flat();

/** Waits until the viewer's wallet holds exactly `cents`, all settled. */
const walletHolds = (v: { token: string }, cents: number) =>
  eventually(
    () => wallet(v.token),
    (w) => w.balanceCents === cents && w.pendingCents === 0,
    15_000,
  );

/** Every viewer opens each of its wins (`wins[i]` are viewer i's); then every wallet holds exactly their sum, settled. */
async function openEveryWin(viewers: Viewer[], wins: Won[][]): Promise<void> {
  await Promise.all(
    viewers.map(async (v, i) => {
      for (const w of wins[i]) expect((await openWon(v, w)).status).toBe(200);
      await walletHolds(
        v,
        wins[i].reduce((n, w) => n + w.envelope.amountCents, 0),
      );
    }),
  );
}

describe("edge leases", () => {
  // This isolate served other files before: it starts with no lease and no cached timeline.
  beforeAll(() => {
    dropIsolateLeases();
    forgetTimeline();
  });

  it("answers wins from the isolate's lease, records each once from its report, and opens them into wallets", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 60);
    const callsBefore = leaseCalls.made;
    const viewers = await Promise.all(Array.from({ length: 24 }, () => session()));
    const wins = (await Promise.all(viewers.map((v) => honestShakes(v, 5, tag)))).map((w) => w);
    const leased = wins.flatMap(signed);
    // Every win a shard claim (0 leased) is what leases that expire before they are used look like (LEASE_TTL_MS in vitest.config.ts).
    expect(leased.length, JSON.stringify({ wins: wins.flat().length, leaseCalls: { ...leaseCalls }, callsBefore })).toBeGreaterThan(20);
    // Fewer lease calls than leased wins: a lease lends many envelopes per call (the isolate
    // also reports every LEASE_REPORT_MS, so a slow machine makes a few more calls).
    expect(leaseCalls.made - callsBefore).toBeLessThan(leased.length);
    for (const w of wins.flat()) expect(w.holdings).toEqual(expect.any(String));

    // Before the reports arrive the audit already balances: the envelopes are "leased".
    const during = await audit(600_000);
    expectBalanced(during);
    expect(during.leases.outstandingCount).toBeGreaterThan(0);

    await letIsolateReport();
    const after = await audit(600_000);
    expectBalanced(after);
    expect(after.leases.voided).toBe(0);
    expect(after.maxClaimsPerUserSponsor).toBeLessThanOrEqual(1);

    await openEveryWin(viewers, wins);
  });

  it("keeps a vanished isolate's wins for the clients that present them, and returns its unissued envelopes after the deadline", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 40, 2);
    const viewers = await Promise.all(Array.from({ length: 12 }, () => session()));
    const wins = await Promise.all(viewers.map((v) => honestShakes(v, 3, tag)));
    expect(wins.flat().filter((w) => w.envelope.signedClaim).length).toBeGreaterThan(0);
    dropIsolateLeases(); // the isolate dies with its lease and its unreported claims

    // The dead isolate's envelopes are "leased, unreported": balanced within the deadline.
    const held = await audit(600_000);
    expectBalanced(held);
    expect(held.leases.outstandingCount).toBeGreaterThan(0);

    // Every winner presents (the PWA does on start): all recorded, none voided; a duplicate presentation changes nothing.
    for (const [i, v] of viewers.entries()) {
      const claims = signed(wins[i]).map((w) => w.envelope.signedClaim!);
      if (claims.length === 0) continue;
      for (let round = 0; round < 2; round++)
        expect(await present(v, claims)).toEqual(
          claims.map((_, k) => expect.objectContaining({ claimId: signed(wins[i])[k].envelope.claimId, status: "recorded" })),
        );
    }
    // Past the lease's deadline the show clock puts the dead isolate's unissued envelopes back in
    // stock; a presented claim's envelope stays leased until its merge at the viewer's home is
    // answered (batched from the lease shard's alarm), so the repair runs until that has happened.
    await sleep(PAST_RETURN_MS);
    const back = await eventually(
      async () => (await repair(0), await audit(600_000)),
      (report) => report.leases.outstandingCount === 0,
    );
    expectBalanced(back);
    // A failure shows each voided claim with its reason (how the one void seen under load was found: letIsolateReport's).
    expect(back.leases.voided, JSON.stringify(await voidedClaims())).toBe(0);
    await openEveryWin(viewers, wins);
  });

  it("closes a lease phase only once no lease holds its envelopes", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { lotteryId } = await leaseShow(tag, 40, 1);
    const viewers = await Promise.all(Array.from({ length: 8 }, () => session()));
    await Promise.all(viewers.map((v) => honestShakes(v, 2, tag)));
    dropIsolateLeases(); // nobody hands the lent envelopes back: they return at the return time
    const stateOf = async () =>
      ((await (await admin("GET", "/stats")).json()) as StatsReport).phases.find((p) => p.phaseId === lotteryId)?.state;

    const stop = (await (await admin("POST", `/timeline/phases/${lotteryId}/stop`, {})).json()) as { tick: TickReport };
    expect(stop.tick.closedPhases).not.toContain(lotteryId);
    expect(await stateOf()).toBe("ended");

    await sleep(PAST_RETURN_MS);
    for (let attempt = 0; (await stateOf()) !== "closed"; attempt++) {
      if (attempt > 20) throw new Error(`${lotteryId} never closed: ${await stateOf()}`);
      expect((await admin("POST", "/show-clock/tick")).status).toBe(200);
      await sleep(250);
    }
    expect((await audit(600_000)).leases.outstandingCount).toBe(0);
  });

  it("voids a claim presented after its lease came back, and the envelope stays in the pool", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 400, 1);
    let won: { v: Awaited<ReturnType<typeof session>>; win: Won } | null = null;
    for (let i = 0; i < 20 && !won; i++) {
      const v = await session();
      const answer = await shake(v.token, `${tag}-late-${i}`, { wire: "lean" });
      if (answer.kind === "envelope" && answer.envelope.signedClaim) won = { v, win: answer };
      await sleep(50);
    }
    expect(won).not.toBeNull();
    const { v, win } = won!;
    dropIsolateLeases();
    await sleep(PAST_RETURN_MS);
    await repair(0);
    expect(await present(v, [win.envelope.signedClaim!])).toEqual([{ claimId: win.envelope.claimId, status: "voided", reason: "late" }]);
    const refused = await openWon(v, win);
    expect(refused.status).toBe(409);
    const report = await audit(600_000);
    expectBalanced(report);
    expect(report.leases.outstandingCount).toBe(0);
  });

  it("names a lease still lending envelopes past its return time, and the repair returns them", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 200, 2);
    const viewers = await Promise.all(Array.from({ length: 8 }, () => session()));
    await Promise.all(viewers.map((v) => honestShakes(v, 2, tag)));
    // Its claims reported and merged into their homes first: the fault below is about returns, not merges.
    await letIsolateReport();
    const lent = await audit(600_000);
    expect(lent.leases.outstandingCount).toBeGreaterThan(0);
    // The isolate dies, and for a while no return can take envelopes out of a lease.
    dropIsolateLeases();
    await inEveryShard("CREATE TRIGGER keep_leased BEFORE DELETE ON leased_envelopes BEGIN SELECT RAISE(IGNORE); END");
    try {
      await sleep(PAST_RETURN_MS);
      await repair(0);
      const stuck = await audit(0);
      expect(stuck.balanced).toBe(false);
      expect(stuck.problems.some((p) => p.place.startsWith("lease:") && p.cents > 0)).toBe(true);
    } finally {
      await inEveryShard("DROP TRIGGER keep_leased");
    }
    await repair(0);
    const back = await audit(600_000);
    expectBalanced(back);
    expect(back.leases.outstandingCount).toBe(0);
  });

  it("counts an envelope found both lent and in stock as issued twice", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 40, 1);
    const forge =
      "INSERT INTO leased_envelopes (envelope_id, lease_id, pool_id, amount) SELECT envelope_id, 'forged', pool_id, amount FROM envelopes LIMIT 1";
    await inEveryShard(forge);
    try {
      const report = await audit(600_000);
      expect(report.duplicateEnvelopeClaims).toBe(Number(env.SHARD_COUNT));
      expect(report.problems.map((p) => p.place)).toContain("envelopes");
    } finally {
      await inEveryShard("DELETE FROM leased_envelopes WHERE lease_id = 'forged'");
    }
    expectBalanced(await audit(600_000));
  });

  it("records no claim it did not sign for the viewer presenting it: altered, forged or someone else's", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 40, 1);
    let won: Won | undefined;
    let winner = await session();
    for (let i = 0; i < 40 && !won?.envelope.signedClaim; i++) {
      winner = await session();
      won = (await honestShakes(winner, 1, `${tag}-${i}`))[0];
    }
    if (!won?.envelope.signedClaim) throw new Error("no win from an edge lease");
    // Neighbours of the winner: their home shard holds the lease the claim names.
    const [owner, other] = await sessionsOnShard(userShard(env, winner.userId), 2);
    const [payload, signature] = won.envelope.signedClaim.split(".");
    const claim = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const richer = btoa(JSON.stringify({ ...claim, amountCents: claim.amountCents * 100, userId: owner.userId }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");

    const presented = [
      ...(await present(owner, [`${richer}.${signature}`, `${payload}.${"A".repeat(signature.length)}`, "not-a-claim"])),
      ...(await present(other, [won.envelope.signedClaim])),
    ];
    expect(presented.map((r) => r.status === "voided" && r.reason)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    for (const v of [owner, other]) expect(await shardStub(env, userShard(env, v.userId)).userClaims(v.userId)).toEqual([]);
    expectBalanced(await audit(600_000));
  });

  it("enforces the limits exactly at the record: replayed holdings are voided, an honest client never", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 400, 1);
    // A cheater never sends its holdings, an honest viewer always does. An isolate remembers
    // what it issued a viewer, so the cheater collects its wins on several isolates (each
    // dies with its claim unreported once it answered).
    const [cheater, ...neighbours] = await sessionsOnShard(0, 9);
    const honest = await session();
    const cheats: Won[] = [];
    for (let i = 0; i < 3; i++) {
      await leaseInPlace(neighbours, `${tag}-warm-${i}`);
      const answer = await shake(cheater.token, `${tag}-cheat-${i}`, { wire: "lean" });
      if (answer.kind === "envelope") cheats.push(answer);
      dropIsolateLeases();
    }
    const fair = await honestShakes(honest, 6, `${tag}-fair`);
    expect(fair.length).toBe(1);
    expect(cheats.filter((w) => w.envelope.signedClaim).length).toBeGreaterThan(1);

    await letIsolateReport();
    const results = await present(
      cheater,
      signed(cheats).map((w) => w.envelope.signedClaim!),
    );
    expect(results.filter((r) => r.status === "recorded").length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === "voided").every((r) => r.reason === "limit")).toBe(true);
    if (fair[0].envelope.signedClaim)
      expect(await present(honest, [fair[0].envelope.signedClaim])).toEqual([{ claimId: fair[0].envelope.claimId, status: "recorded" }]);
    const voided = cheats.find((w) => results.find((r) => r.claimId === w.envelope.claimId)?.status === "voided")!;
    const refused = await openWon(cheater, voided);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("claim_voided");
    const report = await audit(600_000);
    expectBalanced(report);
    expect(report.maxClaimsPerUserSponsor).toBe(1);
  });

  it("answers a fresh isolate's first shakes with envelopes, its lease shard's viewers too", async () => {
    // A fresh isolate's first candidates fall back to their shards' claims while its first
    // lease is asked for (from the shake that opened the phase's slot, so that shard hears the
    // lease first). That lease is the smallest: it leaves stock for the claims of the lease
    // shard's own viewers (asked for the whole block, it took all of that shard's stock).
    const tag = crypto.randomUUID().slice(0, 8);
    const { lotteryId } = await leaseShow(tag, 20 * Number(env.SHARD_COUNT), 1);
    const viewers = await Promise.all(allShards(env).map(async (s) => (await sessionsOnShard(s, 1))[0]));
    dropIsolateLeases();
    const first = await Promise.all(viewers.map((v) => shake(v.token, `${tag}-${v.userId}`, { wire: "lean" })));
    expect(first.map((a) => a.kind)).toEqual(viewers.map(() => "envelope"));
    const lent = await Promise.all(
      allShards(env).map((s) =>
        runInDurableObject(
          shardStub(env, s),
          (_, state) =>
            state.storage.sql
              .exec<{ n: number }>(
                "SELECT COUNT(*) AS n FROM leases l JOIN leased_envelopes e USING (lease_id) WHERE l.phase_id = ?",
                lotteryId,
              )
              .one().n,
        ),
      ),
    );
    expect(lent.reduce((a, b) => a + b, 0)).toBe(MIN_LEASE);
  });

  it("a retried request that won on two isolates opens the envelope its first record kept", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 200, SPONSORS.length);
    const v = await session();
    const neighbours = await sessionsOnShard(userShard(env, v.userId), 6);
    // The first win must come from a lease (a shard claim would be recorded at once): wait
    // until this isolate holds one for the viewer's shard, seen as a neighbour's signed win.
    await leaseInPlace(neighbours, `${tag}-warm`);
    const first = await shake(v.token, `${tag}-retry`, { wire: "lean" });
    expect(first.kind).toBe("envelope");
    expect((first as Won).envelope.signedClaim).toEqual(expect.any(String));
    dropIsolateLeases(); // the answer was lost with its isolate; the client retries elsewhere
    await leaseInPlace(neighbours, `${tag}-warm2`);
    const second = await shake(v.token, `${tag}-retry`, { wire: "lean" });
    expect(second.kind).toBe("envelope");
    const [a, b] = [first, second] as Won[];
    expect(a.envelope.claimId).not.toBe(b.envelope.claimId);
    // Whichever was recorded first is the request's envelope; opening either opens it.
    const openedIds = [];
    for (const w of [a, b]) {
      const res = await openWon(v, w);
      expect(res.status).toBe(200);
      openedIds.push(((await res.json()) as { envelope: { claimId: string } }).envelope.claimId);
    }
    expect(openedIds[0]).toBe(openedIds[1]);
    await letIsolateReport();
    const shard = shardStub(env, userShard(env, v.userId));
    expect((await shard.userClaims(v.userId)).length).toBe(1);
    expectBalanced(await audit(600_000));
  });
});
