/**
 * A retried shake gets the same answer after its phase has ended (DESIGN.md, idempotency):
 * the client marks a shake sent again with the request id of one whose answer it never got
 * (`X-Gala-Retry: <the lottery phase it was first sent in>`), and the edge, which answers
 * `rest` from the timeline alone once no phase is live, asks this isolate's lease book, and
 * the viewer's shard when the request id's keyed draw made it a candidate in that phase, for
 * the envelope it won. A retry that could not have won costs no call (DESIGN.md, admitted);
 * the look-ups that do happen count in the shard's load report. Unmarked shakes never call an
 * object outside a phase.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dropIsolateLeases } from "../../src/edge/edge-leases";
import { keyedDraw } from "../../src/edge/keyed-draw";
import { shardStub } from "../../src/objects";
import type { ShakeResponse, Timeline } from "../../src/wire/index";
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

type Sent = { viewer: Viewer; requestId: string };

/**
 * Request ids of these viewers in the phase, sorted by what their keyed draw made them there
 * (the test knows DRAW_SECRET): candidates (below the rate) and the others, `each` of both;
 * with `oneEach`, a single candidate per viewer (who may win once per sponsor).
 */
async function requestIds(timeline: Timeline, phaseId: string, viewers: Viewer[], each: number, oneEach = false) {
  const rate = timeline.phases.find((p) => p.id === phaseId)?.candidateRate ?? 0;
  const found = { candidates: [] as Sent[], others: [] as Sent[] };
  for (let i = 0; found.candidates.length < each || found.others.length < each; i++) {
    const viewer = viewers[i % viewers.length];
    const requestId = `draw-${phaseId}-${i}`;
    const draw = keyedDraw(env.DRAW_SECRET, timeline.galaId, viewer.userId, requestId, phaseId);
    const list = draw < rate ? found.candidates : found.others;
    const taken = oneEach && list === found.candidates && list.some((sent) => sent.viewer === viewer);
    if (list.length < each && !taken) list.push({ viewer, requestId });
  }
  return found;
}

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
      shake(v.token, "won-1", { wire: "lean", retry: lotteryId }),
      shake(v.token, "won-1", { retry: lotteryId }),
    ]);
    for (const again of [lean, body]) {
      expect(envelopeOf(again)).toEqual(envelopeOf(won));
      expect(again.kind === "envelope" && again.holdings).toBeTruthy();
    }
    // A marked shake whose request id never won gets the answer of now, and nothing is handed out.
    expect((await shake(v.token, "never-sent", { wire: "lean", retry: lotteryId })).kind).toBe("rest");

    // The next phase (a greeting) has started: the retry still gets its envelope.
    expect((await admin("POST", "/timeline/phases/greeting-retry-shard/start", {})).status).toBe(200);
    expect((await shake(v.token, "won-1", { wire: "lean" })).kind).toBe("greeting");
    expect(envelopeOf(await shake(v.token, "won-1", { wire: "lean", retry: lotteryId }))).toEqual(envelopeOf(won));
    const audit = await (await admin("GET", "/audit")).json();
    expect(audit).toMatchObject({ balanced: true });
  });

  it("gets a leased win from this isolate's book, and from the shard once the claim is recorded", async () => {
    const { lotteryId } = await leaseShow("retry-lease", 100, 1);
    // The isolate's first candidates of the phase are claimed at the shard and make it lease
    // from its lease shard; a later viewer wins from the lease (one may get the greeting while
    // the isolate's lease is empty or short).
    let v: Viewer | undefined;
    let won: Won | undefined;
    for (let i = 0; i < 60 && !won?.envelope?.signedClaim; i++) {
      v = await session();
      won = (await shake(v.token, "leased-1", { wire: "lean" })) as Won;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!v || !won?.envelope?.signedClaim) throw new Error("no win from an edge lease");
    await stop(lotteryId);

    // The book answers whatever the mark (an older client's `1` too): it costs no call.
    const fromBook = await shake(v.token, "leased-1", { wire: "lean", retry: "1" });
    expect(envelopeOf(fromBook)).toMatchObject({
      claimId: won.envelope.claimId,
      amountCents: won.envelope.amountCents,
      signedClaim: expect.any(String),
    });

    // The isolate is gone; the viewer's PWA presented the claim it kept, so the shard knows it.
    dropIsolateLeases();
    expect((await present(v, [won.envelope.signedClaim!])).map((r) => r.status)).toEqual(["recorded"]);
    const fromShard = await shake(v.token, "leased-1", { wire: "lean", retry: lotteryId });
    expect(envelopeOf(fromShard)).toMatchObject({
      claimId: won.envelope.claimId,
      sponsorId: won.envelope.sponsorId,
      amountCents: won.envelope.amountCents,
    });
  });

  it("in a live edge-lease phase gets the shard claim its request id won, not a new leased envelope", async () => {
    const { lotteryId } = await leaseShow("retry-live", 100, 1);
    dropIsolateLeases();
    // The isolate's first candidate of the phase, before any lease answer, is claimed at the shard.
    const v = await session();
    const first = (await shake(v.token, "live-1", { wire: "lean" })) as Won;
    expect(first.envelope?.signedClaim).toBeUndefined();
    let leased: Won | undefined;
    for (let i = 0; i < 60 && !leased?.envelope?.signedClaim; i++) {
      leased = (await shake((await session()).token, `probe-${i}`, { wire: "lean" })) as Won;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(leased?.envelope?.signedClaim).toEqual(expect.any(String));

    // The isolate now holds a lease; the retry (its answer lost, no holdings sent) still gets its first envelope.
    const retried = await shake(v.token, "live-1", { wire: "lean", retry: lotteryId });
    expect(envelopeOf(retried)).toMatchObject({ claimId: first.envelope!.claimId, amountCents: first.envelope!.amountCents });
  });

  it("looks up earlier wins only for marked retries that could have won, and sheds the look-ups a busy shard cannot take", async () => {
    const now = Date.now();
    const lotteryId = "ended-retry-burst";
    const timeline = await putTimeline({
      galaId: "gala-retry-burst",
      sponsors: SPONSORS,
      phases: [
        phase(lotteryId, "lottery", now - 120_000, now - 60_000, { candidateRate: 0.5 }),
        phase("later-retry-burst", "greeting", now + 3_600_000, now + 7_200_000),
      ],
    });
    const target = deployedEnv({ SHARD_RPS_CEILING: "20" });
    const viewers = await sessionsOnShard(5, 20);
    const ids = await requestIds(timeline, lotteryId, viewers, 200);
    const burst = (mark: string | null, which: "candidates" | "others") =>
      Promise.all(
        ids[which].map(async ({ viewer, requestId }) => {
          const headers: Record<string, string> = { Authorization: `Bearer ${viewer.token}` };
          if (mark) headers["X-Gala-Retry"] = mark;
          const res = await callWith(target, `/api/shake/${requestId}`, { method: "POST", headers });
          expect(res.status).toBe(200);
          return ((await res.json()) as ShakeResponse).kind;
        }),
      );
    // Unmarked shakes outside a phase are answered from the timeline: no shard call, so nothing to shed.
    expect(new Set(await burst(null, "candidates"))).toEqual(new Set(["rest"]));
    // Marked ones whose draw never made them candidates there, or that name no lottery phase, cost no call either.
    expect(new Set(await burst(lotteryId, "others"))).toEqual(new Set(["rest"]));
    expect(new Set(await burst("1", "candidates"))).toEqual(new Set(["rest"]));
    // Those that could have won ask the shard, admitted like candidates: past its ceiling they are told to come back.
    const marked = await burst(lotteryId, "candidates");
    expect(marked.filter((k) => k === "busy").length).toBeGreaterThan(0);
    expect(marked.every((k) => k === "busy" || k === "rest")).toBe(true);
  });

  it("retries that could not have won make no honest candidate of their shard busy", async () => {
    const { timeline, lotteryId } = await liveLotteryShow("retry-flood", { candidateRate: 0.05 });
    await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 100_000, count: 1_000 });
    const target = deployedEnv({ SHARD_RPS_CEILING: "200", ISSUANCE_PACING: "off" });
    const [attackers, honest] = [await sessionsOnShard(6, 30), await sessionsOnShard(6, 10)];
    const flood = await requestIds(timeline, lotteryId, attackers, 300);
    const winners = await requestIds(timeline, lotteryId, honest, 10, true);
    // The flood: marked retries of request ids that were never candidates, as an old client (`1`) and a new one send them.
    const attack = Promise.all(
      flood.others.map(({ viewer, requestId }, i) =>
        callWith(target, `/api/shake/${requestId}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${viewer.token}`, "X-Gala-Retry": i % 2 ? "1" : lotteryId },
        }),
      ),
    );
    const answers = await Promise.all(
      winners.candidates.map(async ({ viewer, requestId }) => {
        const res = await callWith(target, `/api/shake/${requestId}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${viewer.token}` },
        });
        return ((await res.json()) as ShakeResponse).kind;
      }),
    );
    const flooded = await Promise.all((await attack).map(async (res) => ((await res.json()) as ShakeResponse).kind));
    expect(answers).toEqual(answers.map(() => "envelope"));
    expect(new Set(flooded)).toEqual(new Set(["greeting"]));
  });

  it("counts retry look-ups in the shard's load report", async () => {
    const shard = shardStub(env, 4);
    const lookUps = await Promise.all(
      Array.from({ length: 30 }, (_, i) => shard.earlierWin({ userId: `u-look-${i}`, requestId: "r", galaId: "gala-look" })),
    );
    expect(lookUps.every((win) => win === null)).toBe(true);
    const { load } = await shard.claimPaced({
      userId: "u-look",
      requestId: "r",
      phaseId: "none",
      galaId: "gala-look",
      window: null,
      sentAt: Date.now(),
    });
    // Uncounted, the rate would be this one call; counted, most of the 30 look-ups sent at once
    // (a slow machine may spread them over a bucket boundary of the sliding window).
    expect(load.ratePerSec).toBeGreaterThan(10);
  });
});
