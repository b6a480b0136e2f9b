import { describe, expect, it } from "vitest";
import type { ApiErrorBody, CostEstimate, StoredTimeline, TickReport, TimelineEditResponse } from "../../src/wire/index";
import { admin, audit, createPool, getTimeline, putShow } from "../support/api";
import { readJson } from "../support/api-client";
import { phase, SPONSORS } from "../support/phases";

const MIN = 60_000;

async function refused(res: Response, status: number, pattern: RegExp): Promise<void> {
  const body = await readJson<ApiErrorBody>(res, status);
  expect(body.error.message).toMatch(pattern);
}

describe("live timeline edits", () => {
  it("edits one phase with optimistic concurrency; a stale version gets 409 and changes nothing", async () => {
    const now = Date.now();
    const t = await putShow(
      [
        phase("a", "lottery", now + 10 * MIN, now + 20 * MIN, { sponsorIds: [SPONSORS[0].id] }),
        phase("b", "greeting", now + 20 * MIN, now + 30 * MIN),
      ],
      "edits",
    );
    const patched = await readJson<TimelineEditResponse>(
      await admin("PATCH", "/timeline/phases/a", { expectedVersion: t.version, phase: { endsAt: now + 15 * MIN, title: "Short" } }),
    );
    expect(patched.timeline.version).toBe(t.version + 1);
    expect(patched.timeline.phases.find((p) => p.id === "a")).toMatchObject({ endsAt: now + 15 * MIN, title: "Short" });
    expect(patched.warnings).toEqual([expect.stringContaining('"a" has no pools')]);

    const stale = await admin("PATCH", "/timeline/phases/a", { expectedVersion: t.version, phase: { title: "Lost" } });
    expect(stale.status).toBe(409);
    await refused(stale, 409, new RegExp(`version ${t.version + 1}, not ${t.version}`));
    expect(await getTimeline()).toEqual(patched.timeline);
  });

  it("starts a funded phase now and stops it now; removes an unfunded phase", async () => {
    const now = Date.now();
    const t = await putShow(
      [
        phase("s", "lottery", now + 10 * MIN, now + 20 * MIN, { sponsorIds: [SPONSORS[0].id] }),
        phase("g", "greeting", now + 30 * MIN, now + 40 * MIN),
      ],
      "overrides",
    );
    await createPool({ phaseId: "s", sponsorId: "aurora", budgetCents: 500, count: 5 });
    const started = await readJson<TimelineEditResponse>(await admin("POST", "/timeline/phases/s/start", {}));
    const a = started.timeline.phases.find((p) => p.id === "s")!;
    expect(a.startsAt).toBeGreaterThanOrEqual(now);
    expect(a.startsAt).toBeLessThanOrEqual(Date.now());
    await refused(await admin("POST", "/timeline/phases/s/start", {}), 400, /already live/);

    const stopped = await readJson<{ timeline: { phases: { id: string; endsAt: number }[] }; tick: { closedPhases: string[] } }>(
      await admin("POST", "/timeline/phases/s/stop", { expectedVersion: started.timeline.version }),
    );
    expect(stopped.timeline.phases.find((p) => p.id === "s")!.endsAt).toBeLessThanOrEqual(Date.now());
    expect(stopped.tick.closedPhases).toContain("s");
    await refused(
      await admin("PATCH", "/timeline/phases/s", { expectedVersion: t.version + 2, phase: { endsAt: Date.now() + MIN } }),
      400,
      /"s" is closed/,
    );

    const removed = await readJson<TimelineEditResponse>(await admin("DELETE", "/timeline/phases/g", { expectedVersion: t.version + 2 }));
    expect(removed.timeline.phases.map((p) => p.id)).toEqual(["s"]);
  });

  it("refuses invalid edits with a 4xx naming the problem, leaving the timeline as it was", async () => {
    const now = Date.now();
    const t = await putShow(
      [
        phase("a", "lottery", now + 10 * MIN, now + 20 * MIN, { sponsorIds: ["aurora", "jade"] }),
        phase("b", "lottery", now + 30 * MIN, now + 40 * MIN, { sponsorIds: [SPONSORS[0].id] }),
      ],
      "invalid",
    );
    await createPool({ phaseId: "a", sponsorId: "jade", budgetCents: 1_000, count: 10 });
    const v = t.version;
    const cases: [string, string, unknown, RegExp][] = [
      ["PATCH", "/timeline/phases/a", { expectedVersion: v, phase: { endsAt: now + 35 * MIN } }, /"a" and "b" overlap/],
      ["PATCH", "/timeline/phases/a", { expectedVersion: v, phase: { endsAt: now + 5 * MIN } }, /must start before it ends/],
      ["PATCH", "/timeline/phases/a", { expectedVersion: v, phase: { sponsorIds: ["aurora", "nobody"] } }, /unknown sponsor "nobody"/],
      ["PATCH", "/timeline/phases/a", { expectedVersion: v, phase: { sponsorIds: ["aurora"] } }, /"jade" has a pool in phase "a"/],
      ["PATCH", "/timeline/phases/a", { expectedVersion: v, phase: { kind: "greeting" } }, /must stay a lottery phase/],
      ["PATCH", "/timeline/phases/zzz", { expectedVersion: v, phase: { title: "x" } }, /unknown phase "zzz"/],
      ["DELETE", "/timeline/phases/a", { expectedVersion: v }, /"a" has pools .* cannot be removed/],
      ["POST", "/timeline/phases/b/start", {}, /"b" has no pools/],
      ["POST", "/timeline/phases/a/stop", {}, /"a" is not live/],
      [
        "PUT",
        "/timeline",
        {
          expectedVersion: v,
          timeline: {
            galaId: "invalid",
            sponsors: [SPONSORS[0]],
            phases: [phase("b", "lottery", now + 30 * MIN, now + 40 * MIN, { sponsorIds: [SPONSORS[0].id] })],
          },
        },
        /"a" has pools/,
      ],
      ["PATCH", "/timeline/phases/a", { expectedVersion: v, phase: { startsAt: "soon" } }, /phase.startsAt/],
    ];
    for (const [method, path, body, pattern] of cases) {
      const res = await admin(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      await refused(res, 400, pattern);
    }
    expect((await getTimeline()).version).toBe(v);
  });
  it("a timeline with another galaId starts a new gala; the old gala's open pools go back to their sponsors", async () => {
    const before = await getTimeline();
    const next = await readJson<TimelineEditResponse>(
      await admin("PUT", "/timeline", {
        expectedVersion: before.version,
        timeline: { galaId: "next-gala", sponsors: SPONSORS, phases: [] },
      }),
    );
    expect(next.timeline.phases).toEqual([]);
    const tick = await readJson<TickReport>(await admin("POST", "/show-clock/tick"));
    expect(tick.movesPending).toEqual([]);
    const report = await audit();
    // 500 from phase "s" (stopped, no later lottery for its sponsor) + 1,000 from "a" (retired).
    expect(report).toMatchObject({ balanced: true, inTransitCents: 0, returnedCents: 1_500 });

    // A later gala may not reuse the ids of phases that had pools ("a") or were closed ("s").
    const now = Date.now();
    for (const reused of ["a", "s"]) {
      const res = await admin("PUT", "/timeline", {
        expectedVersion: next.timeline.version,
        timeline: {
          galaId: "third-gala",
          sponsors: SPONSORS,
          phases: [phase(reused, "lottery", now + 60 * MIN, now + 70 * MIN, { sponsorIds: [SPONSORS[0].id] })],
        },
      });
      await refused(res, 400, new RegExp(`phase id "${reused}" belongs to an earlier gala`));
    }
    expect((await getTimeline()).version).toBe(next.timeline.version);
  });

  it("says before the show where a plan cannot hold for the expected audience, on every edit and on reading the timeline", async () => {
    const now = Date.now();
    const [aurora, jade] = SPONSORS.map((s) => s.id);
    const phases = [
      phase("plan-early", "lottery", now + 10 * MIN, now + 20 * MIN, { sponsorIds: [aurora] }),
      phase("plan-late", "lottery", now + 30 * MIN, now + 40 * MIN, { sponsorIds: [aurora, jade] }),
    ];
    const t = await putShow(phases, `plans-${crypto.randomUUID().slice(0, 6)}`);
    await createPool({ phaseId: "plan-early", sponsorId: aurora, budgetCents: 6_000, count: 60 });
    await createPool({ phaseId: "plan-late", sponsorId: aurora, budgetCents: 5_000, count: 50 });
    await createPool({ phaseId: "plan-late", sponsorId: jade, budgetCents: 1_000, count: 10 });
    // Without an audience nothing is checked; with 100 phones, 60 took aurora in the early phase: 40 may take one of its 50 late envelopes.
    expect((await readJson<StoredTimeline>(await admin("GET", "/timeline"))).warnings).toEqual([]);
    await refused(await admin("GET", "/estimate"), 400, /audience/);
    const shortfall =
      'lottery phase "plan-late" plans 50 envelopes of sponsor "aurora" but only 40 of the 100 expected viewers can still take one ' +
      "(1 per sponsor per person, 60 planned earlier): at least 10 cannot be won in it";
    const put = await readJson<TimelineEditResponse>(
      await admin("PUT", "/timeline", {
        expectedVersion: t.version,
        timeline: { galaId: t.galaId, audience: 100, sponsors: SPONSORS, phases },
      }),
    );
    expect(put.timeline.audience).toBe(100);
    expect(put.warnings).toEqual([shortfall]);
    expect(await readJson<StoredTimeline>(await admin("GET", "/timeline"))).toEqual({ timeline: put.timeline, warnings: [shortfall] });
    const patched = await readJson<TimelineEditResponse>(
      await admin("PATCH", "/timeline/phases/plan-late", { expectedVersion: put.timeline.version, phase: { title: "Later" } }),
    );
    expect(patched.warnings).toEqual([shortfall]);
    // Enough phones: no warning.
    const wide = await readJson<TimelineEditResponse>(
      await admin("PUT", "/timeline", {
        expectedVersion: patched.timeline.version,
        timeline: { ...patched.timeline, version: undefined, audience: 110 },
      }),
    );
    expect(wide.warnings).toEqual([]);
    // The console's estimate takes the same audience when it names none.
    expect((await readJson<CostEstimate>(await admin("GET", "/estimate"))).show.viewers).toBe(110);
    await refused(
      await admin("PUT", "/timeline", {
        expectedVersion: wide.timeline.version,
        timeline: { galaId: t.galaId, audience: 0, sponsors: SPONSORS, phases },
      }),
      400,
      /audience/,
    );
  });
});
