/**
 * Settled group envelopes are retired (issue 26): once refunded or emptied with nothing owed,
 * the repair marks an envelope settled in the registry and folds its figures into the settled
 * totals; neither the audit nor the repair calls its object again, nor that of an envelope
 * with nothing due (test/reliability/group-due.test.ts), while an envelope still owing the
 * ledger is visited as before. A settled envelope's money that leaves the ledger is
 * still named, through the totals.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { CreateGroupResponse, GrabGroupResponse } from "../../src/wire/index";
import { audit, session, wallet } from "../support/api";
import { readJson } from "../support/api-client";
import { createGroup, fundedUser, grab, splitLottery } from "../support/groups";
import { inUserPartition } from "../support/ledger";
import { dropLedgerWrites, expectNamed, repair } from "../support/repair";
import { visitedDuring } from "../support/group-visits";
import type { Viewer } from "../support/viewers";
import { eventually } from "../support/wait";

const ENVELOPE_CENTS = 1000;

async function settledAt(groupId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT settled_at FROM group_envelopes WHERE group_id = ?")
    .bind(groupId)
    .first<{ settled_at: number | null }>();
  return row?.settled_at ?? null;
}

async function send(sender: Viewer, amountCents: number, count: number, requestId: string): Promise<CreateGroupResponse> {
  return readJson<CreateGroupResponse>(await createGroup(sender.token, { amountCents, count, requestId, expiresInMs: 600_000 }), 201);
}

async function grabbed(friend: Viewer, groupId: string): Promise<number> {
  const body = (await (await grab(friend.token, groupId, "g")).json()) as GrabGroupResponse;
  if (body.status !== "grabbed") throw new Error(`grab: ${body.status}`);
  return body.amountCents;
}

describe("settled group envelopes", () => {
  let sender: Viewer;
  let friend: Viewer;
  let done: CreateGroupResponse;
  let open: CreateGroupResponse;

  beforeAll(async () => {
    await splitLottery(undefined, 20, ENVELOPE_CENTS);
    sender = (await fundedUser()).user;
    friend = await session();
    done = await send(sender, 300, 1, "done");
    open = await send(sender, 200, 2, "open");
    await grabbed(friend, done.id);
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents === 300,
    );
  });

  it("marks an emptied envelope settled once the ledger confirmed its credits, folding its figures into the totals", async () => {
    await eventually(
      async () => {
        await repair(0);
        return settledAt(done.id);
      },
      (at) => at !== null,
    );
    expect(await settledAt(open.id)).toBeNull();
    const report = await audit(0);
    expect(report.problems).toEqual([]);
    expect(report.groups.envelopes.map((e) => e.groupId)).not.toContain(done.id);
    expect(report.groups.envelopes.map((e) => e.groupId)).toContain(open.id);
    expect(report.groups.settled.find((t) => t.funding === "wallet")).toMatchObject({
      envelopes: 1,
      amountCents: 300,
      fundedCents: 300,
      grabbedCents: 300,
      refundedCents: 0,
    });
  });

  it("never visits a settled envelope again, nor an open one with nothing due, in the audit or the repair; one still owing the ledger is visited", async () => {
    const restore = await dropLedgerWrites("group-grab");
    let owing: CreateGroupResponse;
    let visited: string[];
    try {
      owing = await send(sender, 100, 1, "owing");
      await grabbed(await session(), owing.id);
      visited = await visitedDuring(async () => {
        await audit(0);
        await repair(0);
      });
    } finally {
      await restore();
    }
    expect(visited).not.toContain(done.id);
    expect(visited).not.toContain(open.id);
    expect(visited.filter((id) => id === owing!.id)).not.toHaveLength(0);
    expect(await settledAt(owing!.id)).toBeNull();
    await eventually(
      async () => {
        await repair(0);
        return settledAt(owing!.id);
      },
      (at) => at !== null,
    );
    expect((await audit(0)).problems).toEqual([]);
  });

  // Last: it takes a settled envelope's money out of the ledger.
  it("names the settled totals when a settled envelope's money leaves the ledger", async () => {
    await inUserPartition(friend.userId, "DELETE FROM ledger WHERE ref = ? AND kind = 'group-grab'", done.id);
    const report = await audit(0);
    expectNamed(report, "groups:settled");
    expect(report.groups.settledProblem?.problem).toMatch(/grabs: ledger/);
  });
});
