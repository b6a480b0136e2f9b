/**
 * A retried shake gets the same answer after its phase has ended (DESIGN.md, idempotency):
 * the client marks a shake sent again with the request id of one whose answer it never got
 * (`X-Gala-Retry: 1`), and the edge, which answers `rest` from the timeline alone once no
 * phase is live, asks the viewer's shard (or this isolate's lease book) for the envelope that
 * request id won. Unmarked shakes never call an object outside a phase.
 */
import { describe, expect, it } from "vitest";
import { dropIsolateLeases } from "../../src/edge/edge-leases";
import type { ShakeResponse } from "../../src/wire/index";
import { admin, createPool, putTimeline, session } from "../support/api";
import { callWith, deployedEnv } from "../support/deployed";
import { leaseShow, present, type Won } from "../support/leases";
import { phase, SPONSORS } from "../support/phases";
import { liveLotteryShow } from "../support/show";
import { sessionsOnShard, shake, type Viewer } from "../support/viewers";

async function stop(phaseId: string): Promise<void> {
  expect((await admin("POST", `/timeline/phases/${phaseId}/stop`, {})).status).toBe(200);
}

const envelopeOf = (answer: ShakeResponse) => (answer.kind === "envelope" ? answer.envelope : null);

describe("a retried shake after its phase ended", () => {
  it("gets the envelope its request id won at the shard, on both wires and in the next phase; an unmarked shake gets rest", async () => {
    const { lotteryId } = await liveLotteryShow("retry-shard", { sponsorIds: ["aurora"] });
    await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 5_000, count: 50 });
    const v = await session();
    const won = await shake(v.token, "won-1", { wire: "lean" });
    expect(won.kind).toBe("envelope");
    await stop(lotteryId);

    expect((await shake(v.token, "won-1", { wire: "lean" })).kind).toBe("rest");
    const [lean, body] = await Promise.all([
      shake(v.token, "won-1", { wire: "lean", retry: true }),
      shake(v.token, "won-1", { retry: true }),
    ]);
    for (const again of [lean, body]) {
      expect(envelopeOf(again)).toEqual(envelopeOf(won));
      expect(again.kind === "envelope" && again.holdings).toBeTruthy();
    }
    // A marked shake whose request id never won gets the answer of now, and nothing is handed out.
    expect((await shake(v.token, "never-sent", { wire: "lean", retry: true })).kind).toBe("rest");

    // The next phase (a greeting) has started: the retry still gets its envelope.
    expect((await admin("POST", "/timeline/phases/greeting-retry-shard/start", {})).status).toBe(200);
    expect((await shake(v.token, "won-1", { wire: "lean" })).kind).toBe("greeting");
    expect(envelopeOf(await shake(v.token, "won-1", { wire: "lean", retry: true }))).toEqual(envelopeOf(won));
    const audit = await (await admin("GET", "/audit")).json();
    expect(audit).toMatchObject({ balanced: true });
  });

  it("gets a leased win from this isolate's book, and from the shard once the claim is recorded", async () => {
    const { lotteryId } = await leaseShow("retry-lease", 100, 1);
    // A viewer's first shake on a shard without a lease there is claimed at the shard and
    // makes the isolate lease; a later viewer of that shard wins from the lease.
    let v: Viewer | undefined;
    let won: Won | undefined;
    for (let i = 0; i < 60 && !won?.envelope.signedClaim; i++) {
      v = await session();
      won = (await shake(v.token, "leased-1", { wire: "lean" })) as Won;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!v || !won?.envelope.signedClaim) throw new Error("no win from an edge lease");
    await stop(lotteryId);

    const fromBook = await shake(v.token, "leased-1", { wire: "lean", retry: true });
    expect(envelopeOf(fromBook)).toMatchObject({
      claimId: won.envelope.claimId,
      amountCents: won.envelope.amountCents,
      signedClaim: expect.any(String),
    });

    // The isolate is gone; the viewer's PWA presented the claim it kept, so the shard knows it.
    dropIsolateLeases();
    expect((await present(v, [won.envelope.signedClaim!])).map((r) => r.status)).toEqual(["recorded"]);
    const fromShard = await shake(v.token, "leased-1", { wire: "lean", retry: true });
    expect(envelopeOf(fromShard)).toMatchObject({
      claimId: won.envelope.claimId,
      sponsorId: won.envelope.sponsorId,
      amountCents: won.envelope.amountCents,
    });
  });

  it("looks up earlier wins only for marked retries, and sheds the look-ups a busy shard cannot take", async () => {
    const now = Date.now();
    await putTimeline({
      galaId: "gala-retry-burst",
      sponsors: SPONSORS,
      phases: [phase("later-retry-burst", "greeting", now + 3_600_000, now + 7_200_000)],
    });
    const target = deployedEnv({ SHARD_RPS_CEILING: "20" });
    const viewers = await sessionsOnShard(5, 20);
    const burst = (marked: boolean) =>
      Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const headers: Record<string, string> = { Authorization: `Bearer ${viewers[i % viewers.length].token}` };
          if (marked) headers["X-Gala-Retry"] = "1";
          const res = await callWith(target, `/api/shake/burst-${marked}-${i}`, { method: "POST", headers });
          expect(res.status).toBe(200);
          return ((await res.json()) as ShakeResponse).kind;
        }),
      );
    // Unmarked shakes outside a phase are answered from the timeline: no shard call, so nothing to shed.
    expect(new Set(await burst(false))).toEqual(new Set(["rest"]));
    // Marked ones each ask the shard, admitted like candidates: past its ceiling they are told to come back.
    const marked = await burst(true);
    expect(marked.filter((k) => k === "busy").length).toBeGreaterThan(0);
    expect(marked.every((k) => k === "busy" || k === "rest")).toBe(true);
  });
});
