/**
 * The shard hot path (in-memory pool directory, one-statement take) under concurrency: the
 * per-user limits stay exact, retries get identical answers, an exhausted pool is noticed
 * and a newly loaded one is found, and the money balances to the cent.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardStub, userShard } from "../../src/objects";
import type { AuditReport, CreatePoolResponse, ShakeResponse, Timeline } from "../../src/wire";
import { admin, json, putTimeline, session } from "../support/api";

const SPONSORS = ["alpha", "beta", "gamma", "delta"];

function show(phaseId: string): Omit<Timeline, "version"> {
  const now = Date.now();
  return {
    galaId: "batching",
    sponsors: SPONSORS.map((id) => ({ id, name: id, assetId: `asset-${id}` })),
    phases: [
      {
        id: phaseId,
        title: "everyone is a candidate",
        kind: "lottery",
        startsAt: now - 1_000,
        endsAt: now + 600_000,
        sponsorIds: SPONSORS,
        greetingAssetId: "greeting",
        candidateRate: 1,
      },
    ],
  };
}

async function pool(phaseId: string, sponsorId: string, count: number): Promise<CreatePoolResponse> {
  const res = await admin("POST", "/pools", { phaseId, sponsorId, budgetCents: count * 50, count });
  expect(res.status).toBe(201);
  return res.json();
}

async function shake(token: string, requestId: string): Promise<ShakeResponse> {
  const res = await json("POST", "/api/shake", { requestId }, token);
  expect(res.status).toBe(200);
  return res.json();
}

async function audit(): Promise<AuditReport> {
  return (await admin("GET", "/audit")).json();
}

describe("shard hot path", () => {
  it("keeps limits exact and retries identical under concurrent shakes", async () => {
    await putTimeline(show("storm"));
    for (const sponsorId of SPONSORS) await pool("storm", sponsorId, 200);
    const users = await Promise.all(Array.from({ length: 12 }, () => session()));
    const requests = users.flatMap((user) => Array.from({ length: 15 }, (_, k) => ({ user, requestId: `r-${k}` })));

    const first = await Promise.all(requests.map((r) => shake(r.user.token, r.requestId)));
    const again = await Promise.all(requests.map((r) => shake(r.user.token, r.requestId)));

    expect(again.map((a) => (a.kind === "envelope" ? a.envelope.claimId : a.kind))).toEqual(
      first.map((a) => (a.kind === "envelope" ? a.envelope.claimId : a.kind)),
    );
    for (const user of users) {
      const won = first.filter((a, i) => requests[i].user === user && a.kind === "envelope");
      const sponsors = won.map((a) => (a.kind === "envelope" ? a.envelope.sponsorId : ""));
      expect(won.length).toBe(3);
      expect(new Set(sponsors).size).toBe(3);
    }
    expect(first.some((a) => a.kind === "busy")).toBe(false);
    const report = await audit();
    expect(report.balanced).toBe(true);
    expect(report.maxClaimsPerUser).toBe(3);
  });

  it("answers a repeated request id alike, stops at an empty pool and refills after a load", async () => {
    await putTimeline(show("drain"));
    const shards = Number(env.SHARD_COUNT);
    await pool("drain", "alpha", shards);
    const userId = "u_batch_direct";
    const stub = shardStub(env, userShard(env, userId));
    const request = (requestId: string) => ({ userId, requestId, phaseId: "drain" });

    const results = await Promise.all([stub.claim(request("a")), stub.claim(request("a")), stub.claim(request("b"))]);
    expect(results[0]).toMatchObject({ status: "won", claim: { sponsorId: "alpha", phaseId: "drain" } });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual({ status: "none", reason: "empty" });
    expect(await stub.claim(request("c"))).toEqual({ status: "none", reason: "empty" });

    await pool("drain", "beta", shards);
    expect(await stub.claim(request("d"))).toMatchObject({ status: "won", claim: { sponsorId: "beta" } });
    expect(await stub.claim(request("a"))).toEqual(results[0]);
    expect((await audit()).balanced).toBe(true);
  });
});
