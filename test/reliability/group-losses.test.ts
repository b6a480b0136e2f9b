/**
 * Loss modes of group envelopes (issue 12, modes 2, 5 and 6a), injected into the real group
 * objects, queue and D1: the audit must say `balanced: false` naming the envelope, the repair
 * must put every cent where it belongs, and a dependency outage must answer 503, never 500.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { GroupEnvelope } from "../../durable-objects/group-envelope";
import type { CreateGroupResponse, GrabGroupResponse } from "../../src/wire/index";
import type { SettlementMessage } from "../../src/wire/rpc";
import { audit, json, session, wallet } from "../support/api";
import { createGroup, fundedUser, grab, seedGroup, splitLottery } from "../support/groups";
import { ledgerQuery } from "../support/ledger";
import { winner } from "../support/lottery";
import { dropLedgerWrites, expectBalanced, expectNamed, repair } from "../support/repair";
import { consumedAfter } from "../support/settlement";
import { patchObjects } from "../support/show";
import { eventually, sleep } from "../support/wait";

const ENVELOPE_CENTS = 1000;
const anyGroup = () => env.GROUP_ENVELOPE.getByName(`g_${"0".repeat(32)}`);
const failing = () =>
  function () {
    throw new Error("injected: group object unreachable");
  };

describe("group envelope loss modes", () => {
  beforeAll(() => splitLottery({ amountCents: 900, count: 3 }, 60, ENVELOPE_CENTS));

  it("mode 2: a grab credit that never reaches the ledger unbalances the audit; the repair credits it", async () => {
    const { group } = await seedGroup();
    const friend = await session();
    const restore = await dropLedgerWrites("group-grab");
    let share = 0;
    try {
      // The consumer handles the grab's credit and writes nothing.
      const carriesGrab = (m: SettlementMessage) => m.kind === "group" && m.credits.some((c) => c.userId === friend.userId);
      const grabbed = await consumedAfter(carriesGrab, () => grab(friend.token, group.id, "g1"));
      const body = (await grabbed.json()) as GrabGroupResponse;
      if (body.status !== "grabbed") throw new Error(`grab: ${body.status}`);
      share = body.amountCents;
      expect((await wallet(friend.token)).balanceCents).toBe(0);
      expectNamed(await audit(0), `group:${group.id}`);
    } finally {
      await restore();
    }
    await repair(0);
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents === share,
    );
    expectBalanced(await audit(0));
  });

  it("mode 2: a grab credit whose message was lost is sent again by the envelope's own alarm a minute later, once (no repair)", async () => {
    const { group } = await seedGroup();
    const stub = env.GROUP_ENVELOPE.getByName(group.id);
    const friend = await session();
    // The envelope's settlement messages are counted; the first one is lost on its way (never reaches the queue, so no queue retry).
    const sent: SettlementMessage[] = [];
    await runInDurableObject(stub, (instance) => {
      const queue = (instance as unknown as { env: Env }).env.SETTLEMENTS;
      const send = queue.send.bind(queue);
      queue.send = (async (message: SettlementMessage) => {
        sent.push(message);
        if (sent.length > 1) await send(message);
      }) as unknown as typeof queue.send;
    });
    const outbox = () =>
      runInDurableObject(stub, (_, state) =>
        state.storage.sql.exec<{ entry_id: string; sent_at: number | null }>("SELECT entry_id, sent_at FROM outbox").toArray(),
      );
    const body = (await (await grab(friend.token, group.id, "lost-message")).json()) as GrabGroupResponse;
    if (body.status !== "grabbed") throw new Error(`grab: ${body.status}`);
    await eventually(outbox, (rows) => rows.length === 1 && rows[0].sent_at !== null);
    expect(sent).toHaveLength(1);
    // Sent less than a minute ago: the alarm does not send it again.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(sent).toHaveLength(1);
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec("UPDATE outbox SET sent_at = sent_at - 61000");
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents === body.amountCents,
    );
    await eventually(outbox, (rows) => rows.length === 0);
    expect(await ledgerQuery("SELECT entry_id FROM ledger WHERE ref = ? AND kind = 'group-grab'", group.id)).toHaveLength(1);
    expect(sent).toHaveLength(2);
  });

  it("mode 2: an expired envelope whose refund never ran unbalances the audit; the repair refunds it once", async () => {
    const { sender, group } = await seedGroup(1000);
    const before = (await wallet(sender.token)).balanceCents;
    await runInDurableObject(env.GROUP_ENVELOPE.getByName(group.id), (_, state) => state.storage.deleteAlarm());
    await sleep(Math.max(0, group.expiresAt - Date.now() + 200));
    expectNamed(await audit(0), `group:${group.id}`);
    await repair(0);
    await repair(0);
    await eventually(
      () => wallet(sender.token),
      (w) => w.balanceCents === before + group.amountCents,
    );
    expect(await ledgerQuery("SELECT entry_id FROM ledger WHERE ref = ? AND kind = 'group-refund'", group.id)).toHaveLength(1);
    expectBalanced(await audit(0));
  });

  it("mode 2/5: a wallet debit whose object never came to be unbalances the audit; the repair refunds it", async () => {
    const { user, balanceCents } = await fundedUser();
    let res: Response | undefined;
    await patchObjects<GroupEnvelope, "create">(anyGroup(), "create", failing, () =>
      patchObjects<GroupEnvelope, "abort">(anyGroup(), "abort", failing, async () => {
        res = await createGroup(user.token, { amountCents: 400, count: 2, requestId: "lost-object" });
      }),
    );
    expect(res!.status).toBe(503);
    expect((await wallet(user.token)).balanceCents).toBe(balanceCents - 400);
    const report = await audit(0);
    const stranded = report.groups.envelopes.find((e) => e.status === "pending" && e.fundedCents === 400);
    expect(stranded).toBeDefined();
    expectNamed(report, `group:${stranded!.groupId}`);
    const repaired = await repair(0);
    expect(repaired.groups.creationsSettled).toBeGreaterThanOrEqual(1);
    expect((await wallet(user.token)).balanceCents).toBe(balanceCents);
    expectBalanced(await audit(0));
  });

  it("mode 5: a wallet-funded group needs a requestId (a retry must be able to name it)", async () => {
    const { user } = await fundedUser();
    const res = await createGroup(user.token, { amountCents: 300, count: 3 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });

  it("mode 5: a seed envelope whose first creation was cancelled can be created on retry", async () => {
    const { envelope, ...user } = await winner();
    let first: Response | undefined;
    await patchObjects<GroupEnvelope, "create">(anyGroup(), "create", failing, async () => {
      first = await createGroup(user.token, { fromClaimId: envelope.claimId });
    });
    expect(first!.status).toBe(503);
    const retry = await createGroup(user.token, { fromClaimId: envelope.claimId });
    expect(retry.status).toBe(201);
    const group = (await retry.json()) as CreateGroupResponse;
    const friend = await session();
    const body = (await (await grab(friend.token, group.id, "g")).json()) as GrabGroupResponse;
    expect(body.status).toBe("grabbed");
    expect((await createGroup(user.token, { fromClaimId: envelope.claimId })).status).toBe(201);
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents > 0,
    );
    expectBalanced(await audit(60_000));
  });

  it("mode 6a: the groups routes answer 503 (JSON, no stack) when D1 or a group object is down", async () => {
    const { user } = await fundedUser();
    const { group } = await seedGroup();
    await env.DB.exec("ALTER TABLE group_envelopes RENAME TO group_envelopes_offline");
    let created: Response;
    try {
      created = await createGroup(user.token, { amountCents: 300, count: 3, requestId: "outage" });
    } finally {
      await env.DB.exec("ALTER TABLE group_envelopes_offline RENAME TO group_envelopes");
    }
    expect(created.status).toBe(503);
    expect(((await created.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    const friend = await session();
    await patchObjects<GroupEnvelope, "grab">(anyGroup(), "grab", failing, async () => {
      const res = await grab(friend.token, group.id, "x");
      expect(res.status).toBe(503);
      expect(await res.text()).not.toContain("injected");
    });
    await patchObjects<GroupEnvelope, "status">(anyGroup(), "status", failing, async () => {
      expect((await json("GET", `/api/groups/${group.id}`, undefined, friend.token)).status).toBe(503);
    });
    expect((await createGroup(user.token, { amountCents: 300, count: 3, requestId: "outage" })).status).toBe(201);
  });
});
