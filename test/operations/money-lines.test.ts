/**
 * Logs and metrics as written: one JSON line per money event and per admin change, with the
 * ids that follow a claim from shake to wallet, and one Analytics Engine data point per
 * shake answer, settlement and dead letter, on miniflare's real local dataset binding (its
 * `writeDataPoint` is spied on, not replaced). The code runs in this isolate (worker,
 * objects and queue consumer alike), so the console and the binding are observed here.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { userShard } from "../../src/objects";
import type { CreateGroupResponse, ShakeResponse, Timeline } from "../../src/wire/index";
import { admin, json, session, wallet } from "../support/api";
import { callWith, shakeInit } from "../support/deployed";
import { splitLottery } from "../support/groups";
import { openOk, winner } from "../support/lottery";
import { jsonLines } from "../support/log-lines";
import { claimMessage, deadLetter } from "../support/settlement";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";

let spies: MockInstance[] = [];
let writes: MockInstance<AnalyticsEngineDataset["writeDataPoint"]>;

const lines = (type?: string) => jsonLines(spies.slice(0, 2), type);
const points = () => writes.mock.calls.map(([point]) => point!);

describe("money lines and metrics", () => {
  let lotteryId: string;

  beforeAll(async () => {
    ({ lotteryId } = await liveLottery("lines", 64));
  });

  beforeEach(() => {
    writes = vi.spyOn(Object.getPrototypeOf(env.METRICS) as AnalyticsEngineDataset, "writeDataPoint");
    spies = [vi.spyOn(console, "log"), vi.spyOn(console, "warn"), writes];
  });

  afterEach(() => vi.restoreAllMocks());

  it("follows one claim from shake to wallet: claim, open and settlement lines and data points with the same ids", async () => {
    const w = await winner();
    const shard = userShard(env, w.userId);
    await openOk(w);
    await eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);
    await eventually(async () => lines("money").some((l) => l.event === "settlement" && l.claimId === w.envelope.claimId));

    const ids = { claimId: w.envelope.claimId, userId: w.userId, shard, amountCents: w.envelope.amountCents, phaseId: lotteryId };
    const mine = lines("money").filter((l) => l.claimId === w.envelope.claimId);
    expect(mine.map((l) => l.event)).toEqual(["claim", "open", "settlement"]);
    for (const line of mine) expect(line).toMatchObject({ ...ids, at: expect.any(Number) });
    expect(mine[0]).toMatchObject({ sponsorId: w.envelope.sponsorId, requestId: expect.any(String) });
    expect(mine[2]).toMatchObject({ poolId: expect.any(String) });

    expect(points()).toContainEqual({
      blobs: ["shake", "envelope", lotteryId, "", String(shard)],
      doubles: [1, 1, 1, 0, w.envelope.amountCents],
      indexes: [lotteryId],
    });
    expect(points()).toContainEqual({
      blobs: ["settlement", "claim", lotteryId, "", String(shard)],
      doubles: [1, 0, 0, 0, w.envelope.amountCents],
      indexes: [lotteryId],
    });
  });

  it("writes a data point per answer kind and keeps answering without the binding", async () => {
    const viewer = await session();
    const before = points().length;
    const res = await json("POST", "/api/shake", { requestId: "kind-1" }, viewer.token);
    const body = (await res.json()) as ShakeResponse;
    expect(points().slice(before)).toEqual([
      expect.objectContaining({ blobs: ["shake", body.kind, expect.any(String), "", String(userShard(env, viewer.userId))] }),
    ]);

    const { METRICS: _absent, ...withoutMetrics } = env;
    const bare = await callWith(withoutMetrics as Env, "/api/shake", shakeInit(viewer.token, "kind-2"));
    expect(bare.status).toBe(200);
  });

  it("logs and counts dead letters with their claim's ids", async () => {
    const w = await winner();
    const message = await claimMessage(w.userId);
    await deadLetter(message);

    expect(lines("money").filter((l) => l.event === "dead_letter")).toEqual([
      expect.objectContaining({
        claimId: w.envelope.claimId,
        userId: w.userId,
        shard: message.shard,
        poolId: message.claims[0].poolId,
        phaseId: lotteryId,
        amountCents: w.envelope.amountCents,
      }),
    ]);
    expect(points()).toContainEqual({
      blobs: ["dead_letter", "claim", lotteryId, "", String(message.shard)],
      doubles: [1, 0, 0, 0, w.envelope.amountCents],
      indexes: [lotteryId],
    });
  });

  it("logs a group envelope's creation, each real grab once, and its refund", async () => {
    await splitLottery({ amountCents: 300, count: 3 });
    const { envelope, ...user } = await winner();
    const res = await json("POST", "/api/groups", { fromClaimId: envelope.claimId, expiresInMs: 1000 }, user.token);
    const group = (await res.json()) as CreateGroupResponse;
    const friend = await session();
    await json("POST", `/api/groups/${group.id}/grab`, { requestId: "g-1" }, friend.token);
    await json("POST", `/api/groups/${group.id}/grab`, { requestId: "g-1" }, friend.token);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, group.expiresAt - Date.now() + 50)));
    await runDurableObjectAlarm(env.GROUP_ENVELOPE.getByName(group.id));

    const groupLines = lines("money").filter((l) => l.groupId === group.id && l.event.startsWith("group_"));
    expect(groupLines.map((l) => l.event)).toEqual(["group_create", "group_grab", "group_refund"]);
    const grabbed = groupLines[1].amountCents as number;
    expect(groupLines[0]).toMatchObject({ userId: user.userId, funding: "seed", amountCents: 300, count: 3 });
    expect(groupLines[1]).toMatchObject({ userId: friend.userId, requestId: "g-1" });
    expect(groupLines[2]).toMatchObject({ userId: user.userId, amountCents: 300 - grabbed });
  });

  it("logs every admin change (not reads, not refused credentials) with its ids and the new timeline version", async () => {
    const { timeline } = (await (await admin("GET", "/timeline")).json()) as { timeline: Timeline };
    const phaseId = timeline.phases[0].id;
    await json("PATCH", `/api/admin/timeline/phases/${phaseId}`, { expectedVersion: 0, phase: {} }, "wrong-secret");
    expect(lines("admin")).toEqual([]);
    await admin("PATCH", `/timeline/phases/${phaseId}`, { expectedVersion: timeline.version, phase: { title: "renamed" } });
    await admin("PATCH", `/timeline/phases/${phaseId}`, { expectedVersion: timeline.version, phase: { title: "again" } });
    await admin("POST", "/settlements/requeue");
    expect(lines("admin")).toEqual([
      expect.objectContaining({ event: "admin_change", method: "PATCH", phaseId, status: 200, timelineVersion: timeline.version + 1 }),
      expect.objectContaining({ event: "admin_change", method: "PATCH", phaseId, status: 409, timelineVersion: null }),
      expect.objectContaining({ event: "admin_change", method: "POST", path: "/api/admin/settlements/requeue", status: 200 }),
    ]);
  });
});
