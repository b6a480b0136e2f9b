import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { GroupEnvelope } from "../../durable-objects/group-envelope";
import type { ApiErrorBody, GrabGroupResponse } from "../../src/wire/index";
import { call, json, session } from "../support/api";
import { createGroup, grab, groupStatus, seedGroup, splitLottery } from "../support/groups";
import { ledgerQuery } from "../support/ledger";
import { winner } from "../support/lottery";
import { freshWindow } from "../support/deployed";
import { eventually } from "../support/wait";

const SPLIT = { amountCents: 5000, count: 50 };

describe("group envelopes from a seed envelope's split budget", () => {
  beforeAll(() => splitLottery(SPLIT));

  it("lets the winner create one group envelope, exactly once, with a share URL", async () => {
    const { sender, group, claimId } = await seedGroup();
    expect(group).toMatchObject({ funding: "seed", amountCents: 5000, count: 50, shareUrl: `/g/${group.id}` });
    expect(group.id).toMatch(/^g_[0-9a-f]{32}$/);
    const again = await createGroup(sender.token, { fromClaimId: claimId, greeting: "another" });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(group.id);
    const status = await groupStatus(sender.token, group.id);
    expect(status).toMatchObject({ youSent: true, greeting: "Happy new year!", state: "open", remainingCents: 5000 });
    expect(JSON.stringify(status)).not.toContain(sender.userId);
  });

  it("refuses someone else's claim and unknown claims", async () => {
    const { envelope } = await winner();
    const stranger = await session();
    for (const fromClaimId of [envelope.claimId, "no-such-claim"]) {
      const res = await createGroup(stranger.token, { fromClaimId });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ApiErrorBody).error.code).toBe("not_found");
    }
  });

  it("200 concurrent grabs by 100 users on a 50-share envelope: exactly 50 succeed, no user twice, sum exact", async () => {
    const { sender, group } = await seedGroup();
    const users = await Promise.all(Array.from({ length: 100 }, () => session()));
    const answers = await Promise.all(
      users.flatMap((u, i) =>
        [0, 1].map(async (k) => {
          const res = await grab(u.token, group.id, `grab-${i}-${k}`);
          expect(res.status).toBe(200);
          return { userId: u.userId, body: (await res.json()) as GrabGroupResponse };
        }),
      ),
    );
    const grabbed = answers.filter((a) => a.body.status === "grabbed");
    expect(grabbed).toHaveLength(50);
    expect(new Set(grabbed.map((a) => a.userId)).size).toBe(50);
    const total = grabbed.reduce((s, a) => s + (a.body.status === "grabbed" ? a.body.amountCents : 0), 0);
    expect(total).toBe(5000);
    expect(answers.filter((a) => a.body.status === "empty" || a.body.status === "already")).toHaveLength(150);
    const status = await groupStatus(sender.token, group.id);
    expect(status).toMatchObject({ state: "empty", grabbedCount: 50, grabbedCents: 5000, remainingCents: 0, remainingCount: 0 });
    expect(new Set(status.grabs.map((g) => g.label)).size).toBe(50);
    for (const u of users) expect(JSON.stringify(status)).not.toContain(u.userId);
    expect(status.grabs.every((g) => g.amountCents >= 1)).toBe(true);
    const credited = await eventually(
      async () => ledgerQuery<{ amount_cents: number }>("SELECT amount_cents FROM ledger WHERE ref = ? AND kind = 'group-grab'", group.id),
      (rows) => rows.length === 50,
    );
    expect(credited.reduce((sum, r) => sum + r.amount_cents, 0)).toBe(5000);
  });

  it("answers a retried grab the same and any other request of that user 'already'", async () => {
    const { group } = await seedGroup();
    const friend = await session();
    const first = (await (await grab(friend.token, group.id, "r1")).json()) as GrabGroupResponse;
    expect(first.status).toBe("grabbed");
    expect(await (await grab(friend.token, group.id, "r1")).json()).toEqual(first);
    const other = (await (await grab(friend.token, group.id, "r2")).json()) as GrabGroupResponse;
    expect(other).toMatchObject({ status: "already", amountCents: first.status === "grabbed" ? first.amountCents : -1 });
  });

  it("answers 'expired' after expiry and refunds the rest by alarm exactly once, also when the alarm is retried", async () => {
    const { sender, group } = await seedGroup(1000);
    const friend = await session();
    const first = (await (await grab(friend.token, group.id, "early")).json()) as GrabGroupResponse;
    expect(first.status).toBe("grabbed");
    const grabbedCents = first.status === "grabbed" ? first.amountCents : 0;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await session();
    expect(await (await grab(late.token, group.id, "late")).json()).toMatchObject({ status: "expired" });
    const stub = env.GROUP_ENVELOPE.getByName(group.id);
    await runDurableObjectAlarm(stub);
    await runInDurableObject(stub, async (instance: GroupEnvelope) => {
      await instance.alarm();
      await instance.alarm();
    });
    const status = await groupStatus(sender.token, group.id);
    expect(status).toMatchObject({ state: "refunded", refundedCents: 5000 - grabbedCents, grabbedCents, remainingCents: 0 });
    // Exactly once in the money too: one refund row in the ledger, in the sender's wallet.
    const refunds = async () =>
      ledgerQuery<{ userId: string; cents: number }>(
        "SELECT user_id AS userId, amount_cents AS cents FROM ledger WHERE ref = ? AND kind = 'group-refund'",
        group.id,
      );
    await eventually(refunds, (rows) => rows.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await refunds()).toEqual([{ userId: sender.userId, cents: 5000 - grabbedCents }]);
  });
});

describe("group envelope validation and limits", () => {
  it("answers bad bodies, unknown ids and missing sessions with 4xx JSON errors", async () => {
    const user = await session();
    const cases: Array<[unknown, string]> = [
      [{ amountCents: 4, count: 5, requestId: "r" }, "invalid_group"],
      [{ amountCents: 999_999_999, count: 5, requestId: "r" }, "invalid_group"],
      [{ amountCents: 500, count: 5 }, "invalid_request"],
      [{ amountCents: 100, count: 0 }, "invalid_request"],
      [{ amountCents: 10.5, count: 2 }, "invalid_request"],
      [{ amountCents: 100, count: 2, expiresInMs: 10 }, "invalid_request"],
      [{ amountCents: 100, count: 2, greeting: "x".repeat(500) }, "invalid_request"],
      ["{not json", "malformed_json"],
    ];
    for (const [body, code] of cases) {
      const res = await createGroup(user.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as ApiErrorBody).error.code).toBe(code);
    }
    expect((await grab(user.token, "g_nope", "r")).status).toBe(404);
    expect((await grab(user.token, `g_${"0".repeat(32)}`, "r")).status).toBe(404);
    expect((await json("GET", `/api/groups/g_${"0".repeat(32)}`, undefined, user.token)).status).toBe(404);
    expect((await grab(user.token, `g_${"0".repeat(32)}`, "")).status).toBe(400);
    expect((await call("/api/groups/g_x")).status).toBe(401);
  });

  it("rate-limits creation attempts per user", async () => {
    const user = await session();
    const statuses: number[] = [];
    // The 11 attempts within one of the limiter's 60 s windows (at load 30 they once straddled two).
    await freshWindow(60, 10);
    for (let i = 0; i < 11; i++) statuses.push((await createGroup(user.token, { fromClaimId: `nope-${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
