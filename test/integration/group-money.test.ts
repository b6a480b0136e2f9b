import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { GroupEnvelope } from "../../durable-objects/group-envelope";
import { GROUP_LEDGER } from "../../src/domain/group-envelope";
import { registerGroup } from "../../src/money/group-registry";
import { debitWallet } from "../../src/money/wallet-ledger";
import type { ApiErrorBody, CreateGroupResponse, GrabGroupResponse } from "../../src/wire/index";
import type { GroupSpec } from "../../src/wire/rpc";
import { session, wallet, audit } from "../support/api";
import { createGroup, fundedUser, grab, groupStatus, splitLottery } from "../support/groups";
import { ledgerQuery } from "../support/ledger";
import { readJson } from "../support/api-client";
import { eventually } from "../support/wait";
import { expectBalanced } from "../support/repair";

const ENVELOPE_CENTS = 1000;

type LedgerRow = {
  entry_id: string;
  user_id: string;
  kind: string;
  amount_cents: number;
};

async function groupLedger(groupId: string): Promise<LedgerRow[]> {
  const rows = await ledgerQuery<LedgerRow>("SELECT entry_id, user_id, kind, amount_cents FROM ledger WHERE ref = ?", groupId);
  return rows.sort((a, b) => a.entry_id.localeCompare(b.entry_id));
}

describe("group envelopes and wallets", () => {
  beforeAll(() => splitLottery(undefined, 40, ENVELOPE_CENTS));

  it("debits the wallet, settles grabs to the grabbers, refunds the rest by alarm once; wallet, ledger and audit agree", async () => {
    const { user: sender } = await fundedUser();
    const friends = await Promise.all([session(), session()]);
    // The group is created once everyone exists, so its 1.5 s only has to cover two grabs.
    const res = await createGroup(sender.token, {
      amountCents: 600,
      count: 5,
      greeting: "for you",
      expiresInMs: 1500,
      requestId: "send-1",
    });
    expect(res.status).toBe(201);
    const group = (await res.json()) as CreateGroupResponse;
    expect(group).toMatchObject({ funding: "wallet", amountCents: 600, count: 5, shareUrl: `/g/${group.id}` });
    expect((await wallet(sender.token)).balanceCents).toBe(ENVELOPE_CENTS - 600);

    const shares = await Promise.all(
      friends.map(async (f) => {
        const body = (await (await grab(f.token, group.id, "grab")).json()) as GrabGroupResponse;
        if (body.status !== "grabbed") throw new Error(`grab: ${body.status}`);
        return body.amountCents;
      }),
    );
    const grabbed = shares[0] + shares[1];
    for (const [i, f] of friends.entries()) {
      await eventually(
        () => wallet(f.token),
        (w) => w.balanceCents === shares[i],
      );
    }

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, group.expiresAt - Date.now() + 100)));
    const stub = env.GROUP_ENVELOPE.getByName(group.id);
    await runDurableObjectAlarm(stub);
    await runInDurableObject(stub, async (instance: GroupEnvelope) => {
      await instance.alarm();
      await instance.alarm();
    });
    await runDurableObjectAlarm(stub);

    const refund = 600 - grabbed;
    await eventually(
      () => wallet(sender.token),
      (w) => w.balanceCents === ENVELOPE_CENTS - 600 + refund,
    );
    expect(await groupStatus(sender.token, group.id)).toMatchObject({ state: "refunded", refundedCents: refund, grabbedCents: grabbed });
    const rows = await groupLedger(group.id);
    expect(rows.filter((r) => r.kind === GROUP_LEDGER.refund.kind)).toEqual([
      { entry_id: GROUP_LEDGER.refund.entryId(group.id), user_id: sender.userId, kind: "group-refund", amount_cents: refund },
    ]);
    expect(rows.filter((r) => r.kind === GROUP_LEDGER.send.kind).map((r) => r.amount_cents)).toEqual([-600]);
    expect(rows.filter((r) => r.kind === GROUP_LEDGER.grab.kind).reduce((s, r) => s + r.amount_cents, 0)).toBe(grabbed);

    const report = await audit();
    const row = report.groups.envelopes.find((e) => e.groupId === group.id);
    expect(row).toMatchObject({
      fundedCents: 600,
      grabbedCents: grabbed,
      refundedCents: refund,
      openCents: 0,
      settledCents: 600,
      pendingCents: 0,
      balanced: true,
    });
    expect(report.groups.balanced).toBe(true);
    expectBalanced(report);
  });

  it("never overdraws: racing creations on one balance spend it at most once", async () => {
    const { user } = await fundedUser();
    const two = await Promise.all(
      [700, 700].map((amountCents, i) => createGroup(user.token, { amountCents, count: 2, requestId: `race-${i}` })),
    );
    expect(two.map((r) => r.status).sort()).toEqual([201, 409]);
    const refused = two.find((r) => r.status === 409)!;
    expect(((await refused.json()) as ApiErrorBody).error.code).toBe("insufficient_funds");
    expect((await wallet(user.token)).balanceCents).toBe(300);

    const { user: other } = await fundedUser();
    const five = await Promise.all(
      Array.from({ length: 5 }, (_, i) => createGroup(other.token, { amountCents: 300, count: 3, requestId: `five-${i}` })),
    );
    expect(five.filter((r) => r.status === 201)).toHaveLength(3);
    expect(five.filter((r) => r.status === 409)).toHaveLength(2);
    const balance = await wallet(other.token);
    expect(balance.balanceCents).toBe(100);
    expect(await ledgerQuery("SELECT balance_cents FROM wallets WHERE balance_cents < 0")).toEqual([]);
    expect((await audit()).groups.balanced).toBe(true);
  });

  it("carries a grab to the grabber's wallet within seconds also after an earlier grab's credit was sent, not at the minute's resend", async () => {
    const { user: sender } = await fundedUser();
    const friends = await Promise.all([session(), session()]);
    const res = await createGroup(sender.token, { amountCents: 300, count: 3, requestId: "later-grab" });
    const group = await readJson<CreateGroupResponse>(res, 201);
    const grabbedBy = async (token: string) => {
      const body = await readJson<GrabGroupResponse>(await grab(token, group.id, "grab"));
      if (body.status !== "grabbed") throw new Error(`grab: ${body.status}`);
      return body.amountCents;
    };
    // The first grab's credit leaves by the flush alarm and settles; the object now waits for nothing but the resend.
    const first = await grabbedBy(friends[0].token);
    await eventually(
      () => wallet(friends[0].token),
      (w) => w.balanceCents === first,
    );
    const second = await grabbedBy(friends[1].token);
    await eventually(
      () => wallet(friends[1].token),
      (w) => w.balanceCents === second,
      10_000,
    );
  });

  it("debits once for a retried creation with the same request id", async () => {
    const { user } = await fundedUser();
    const body = { amountCents: 400, count: 4, requestId: "send-1" };
    const [a, b] = await Promise.all([createGroup(user.token, body), createGroup(user.token, body)]);
    const again = await createGroup(user.token, body);
    const ids = await Promise.all([a, b, again].map(async (r) => ((await r.json()) as CreateGroupResponse).id));
    expect(new Set(ids).size).toBe(1);
    expect((await wallet(user.token)).balanceCents).toBe(600);
    expect((await groupLedger(ids[0])).map((r) => r.amount_cents)).toEqual([-400]);
  });

  it("gives the debit back when the envelope can never be created (compensating credit), and loses nothing", async () => {
    const { user } = await fundedUser();
    const now = Date.now();
    const spec: GroupSpec = {
      groupId: `g_${crypto.randomUUID().replace(/-/g, "")}`,
      senderId: user.userId,
      funding: "wallet",
      amountCents: 500,
      count: 5,
      greeting: "",
      createdAt: now,
      expiresAt: now + 60_000,
    };
    // A creation that registered and debited, then lost its object call, and whose object was
    // then settled as never-to-exist (what the creation path does after an unclear failure).
    await registerGroup(env.DB, `wallet:${user.userId}:lost-1`, spec, now);
    await debitWallet(
      env,
      {
        entryId: GROUP_LEDGER.send.entryId(spec.groupId),
        userId: user.userId,
        kind: GROUP_LEDGER.send.kind,
        amountCents: 500,
        ref: spec.groupId,
      },
      now,
    );
    expect(await env.GROUP_ENVELOPE.getByName(spec.groupId).abort()).toBe(true);
    expect((await wallet(user.token)).balanceCents).toBe(500);

    const retry = await createGroup(user.token, { amountCents: 500, count: 5, requestId: "lost-1" });
    expect(retry.status).toBe(503);
    expect((await wallet(user.token)).balanceCents).toBe(ENVELOPE_CENTS);
    const again = await createGroup(user.token, { amountCents: 500, count: 5, requestId: "lost-1" });
    expect(again.status).toBe(409);
    expect((await wallet(user.token)).balanceCents).toBe(ENVELOPE_CENTS);
    // Cancelled with its debit given back: settled at once, its figures in the settled totals, not visited again.
    const report = await audit();
    expect(report.groups.envelopes.map((e) => e.groupId)).not.toContain(spec.groupId);
    expect(report.groups.settled.find((t) => t.funding === "wallet")).toMatchObject({ fundedCents: 500, cancelledCents: 500 });
    expectBalanced(report);
  });
});
