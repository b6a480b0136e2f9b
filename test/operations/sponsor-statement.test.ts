/**
 * The sponsor statement (`GET /api/admin/sponsors/{sponsorId}/statement`, JSON and CSV): per
 * pool what was loaded, issued, opened, settled into wallets (opened, or swept unopened at phase
 * close), voided and is still in motion, reconciled to the cent; leftovers returned to the
 * sponsor when the phase stops; an envelope missing from a shard's stock makes it say
 * `reconciled: false`, naming the equation.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { shardStub } from "../../src/objects";
import type { SponsorStatement } from "../../src/wire/index";
import { admin, session, wallet } from "../support/api";
import { readJson } from "../support/api-client";
import { openOk, winner, type Winner } from "../support/lottery";
import { SPONSORS } from "../support/phases";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";

const SPONSOR = SPONSORS[0].id;
const statement = async () => readJson<SponsorStatement>(await admin("GET", `/sponsors/${SPONSOR}/statement`));

describe("sponsor statement", () => {
  let poolId: string;
  let lotteryId: string;
  let won: Winner[];

  beforeAll(async () => {
    ({ poolId, lotteryId } = await liveLottery("statement", 40));
    won = [await winner(), await winner()];
    await openOk(won[0]);
    await eventually(
      () => wallet(won[0].token),
      (w) => w.balanceCents === won[0].envelope.amountCents,
    );
  });

  it("reconciles a live pool to the cent: loaded = issued + in stock, issued = settled + on its way, with the time it was read", async () => {
    const before = Date.now();
    const s = await statement();
    const issued = won[0].envelope.amountCents + won[1].envelope.amountCents;
    expect(s.readAt).toBeGreaterThanOrEqual(before);
    expect(s.reconciled).toBe(true);
    expect(s.pools).toHaveLength(1);
    expect(s.pools[0]).toMatchObject({
      phaseId: lotteryId,
      poolId,
      loadedCents: 4000,
      loadedCount: 40,
      issuedCents: issued,
      issuedCount: 2,
      settledCents: won[0].envelope.amountCents,
      settledCount: 1,
      toWalletsCents: won[1].envelope.amountCents,
      inStockCents: 4000 - issued,
      returnedCents: 0,
      reconciled: true,
    });
    expect(s.totals).toMatchObject({ loadedCents: 4000, inMotionCents: won[1].envelope.amountCents });
    expect(s.equations.every((e) => e.holds)).toBe(true);
  });

  it("serves the same statement as CSV: one row per pool, totals, and every equation", async () => {
    const res = await admin("GET", `/sponsors/${SPONSOR}/statement?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/csv");
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment; filename="statement-/);
    const rows = (await res.text()).trim().split("\r\n");
    expect(rows[0]).toMatch(new RegExp(`^sponsorId,${SPONSOR},galaId,.*,readAt,\\d{4}-.*,reconciled,true$`));
    expect(rows.find((r) => r.startsWith(`${lotteryId},`))).toContain(`,${poolId},4000,40,`);
    expect(rows.some((r) => r.startsWith("total,"))).toBe(true);
    expect(rows.filter((r) => r.endsWith(",true") && r.includes(" = "))).not.toHaveLength(0);
  });

  it("answers 404 for a sponsor without pools and 400 for an unknown format", async () => {
    expect((await admin("GET", "/sponsors/nobody/statement")).status).toBe(404);
    expect((await admin("GET", `/sponsors/${SPONSOR}/statement?format=xls`)).status).toBe(400);
  });

  it("shows the leftovers returned to the sponsor once the phase stops, still reconciled", async () => {
    expect((await admin("POST", `/timeline/phases/${lotteryId}/stop`, {})).status).toBe(200);
    const s = await eventually(statement, (r) => r.pools[0].inStockCents === 0 && r.pools[0].returnedCents > 0);
    const issued = s.pools[0].issuedCents;
    expect(s.pools[0]).toMatchObject({ returnedCents: 4000 - issued, rolledOutCents: 4000 - issued, reconciled: true });
    expect(s.reconciled).toBe(true);
  });

  it("splits the settled money into opened and swept after the sweep, and shows a voided win with its cents, to the cent", async () => {
    // A leased win presented after its lease let its envelope go (a late claim): voided at its record, never issued.
    const late = await session();
    const [voided] = await shardStub(env, 0).recordLeasedClaims([
      {
        claimId: `late-${crypto.randomUUID()}`,
        leaseId: "gone",
        shard: 0,
        homeShard: 0,
        envelopeId: "gone-envelope",
        poolId,
        sponsorId: SPONSOR,
        amountCents: 77,
        userId: late.userId,
        requestId: "late-1",
        phaseId: lotteryId,
        galaId: "gala",
        issuedAt: Date.now(),
      },
    ]);
    expect(voided.status).toBe("voided");
    expect((await admin("POST", "/settlements/sweep", {})).status).toBe(200);
    const [opened, swept] = won.map((w) => w.envelope.amountCents);
    const s = await eventually(statement, (r) => r.pools[0].settledSweptCents > 0 && r.pools[0].confirmingCents === 0);
    expect(s.pools[0]).toMatchObject({
      openedCents: opened,
      openedCount: 1,
      settledCents: opened + swept,
      settledCount: 2,
      settledOpenedCents: opened,
      settledOpenedCount: 1,
      settledSweptCents: swept,
      settledSweptCount: 1,
      confirmingCents: 0,
      toWalletsCents: 0,
      voidedCents: 77,
      voidedCount: 1,
      reconciled: true,
    });
    expect(s.totals).toMatchObject({ settledOpenedCents: opened, settledSweptCents: swept, voidedCents: 77, inMotionCents: 0 });
    expect(s.reconciled).toBe(true);
    const csv = await (await admin("GET", `/sponsors/${SPONSOR}/statement?format=csv`)).text();
    expect(csv).toContain(`,${opened},1,${swept},1,0,77,1,0,`);
  });

  // Last: it takes an envelope out of a shard's stock behind the books' back.
  it("says reconciled: false, naming the pool's equation, when an envelope leaves a shard's stock unaccounted", async () => {
    await eventually(statement, (r) => r.reconciled);
    let removed = 0;
    for (let shard = 0; shard < Number(env.SHARD_COUNT) && removed === 0; shard++) {
      removed = await runInDurableObject(shardStub(env, shard), (_, state) => {
        const rows = state.storage.sql.exec("SELECT envelope_id FROM claims WHERE pool_id = ? LIMIT 1", poolId).toArray();
        if (rows.length === 0) return 0;
        // One claim row goes (the shard's running totals follow it through their triggers).
        state.storage.sql.exec("DELETE FROM claims WHERE envelope_id = ?", rows[0].envelope_id);
        return 1;
      });
    }
    expect(removed).toBe(1);
    const s = await statement();
    expect(s.reconciled).toBe(false);
    expect(s.pools[0].equations.find((e) => !e.holds)?.name).toMatch(/^loaded \+ rolled in = issued/);
  });
});
