/**
 * The group envelopes' due-time index (issue 26): the registry holds when each envelope not
 * settled yet next needs the repair (its expiry, lowered before a grab owes the ledger a credit,
 * moved on by each repair visit), and the minute repair and the audit read only the envelopes
 * that are due: one in motion with nothing due is never called, one due is repaired, and a
 * credit lost after the repair moved an envelope past its bound is still named and repaired.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { CreateGroupResponse, GrabGroupResponse } from "../../src/wire/index";
import { audit, session, wallet } from "../support/api";
import { readJson } from "../support/api-client";
import { visitedDuring } from "../support/group-visits";
import { createGroup, fundedUser, grab, splitLottery } from "../support/groups";
import { dropLedgerWrites, expectBalanced, expectNamed, repair } from "../support/repair";
import type { Viewer } from "../support/viewers";
import { eventually } from "../support/wait";

const ENVELOPE_CENTS = 1000;
const LIFETIME_MS = 600_000;

async function dueAt(groupId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT due_at FROM group_envelopes WHERE group_id = ?").bind(groupId).first<{ due_at: number }>();
  if (!row) throw new Error(`no registry row for ${groupId}`);
  return row.due_at;
}

async function grabbed(friend: Viewer, groupId: string, requestId: string): Promise<number> {
  const body = (await (await grab(friend.token, groupId, requestId)).json()) as GrabGroupResponse;
  if (body.status !== "grabbed") throw new Error(`grab: ${body.status}`);
  return body.amountCents;
}

describe("group envelopes' due times", () => {
  let sender: Viewer;

  beforeAll(async () => {
    await splitLottery(undefined, 20, ENVELOPE_CENTS);
    sender = (await fundedUser()).user;
  });

  const send = async (requestId: string, count = 3) =>
    readJson<CreateGroupResponse>(await createGroup(sender.token, { amountCents: 90, count, requestId, expiresInMs: LIFETIME_MS }), 201);

  it("holds each envelope's expiry, lowered by a grab until a repair visit moves it on", async () => {
    const group = await send("due-times");
    expect(await dueAt(group.id)).toBe(group.expiresAt);
    const friend = await session();
    const before = Date.now();
    const share = await grabbed(friend, group.id, "g");
    const lowered = await dueAt(group.id);
    expect(lowered).toBeGreaterThanOrEqual(before);
    expect(lowered).toBeLessThanOrEqual(Date.now());
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents === share,
    );
    const visited = await visitedDuring(async () => {
      await repair(0);
    });
    expect(visited).toContain(group.id);
    expect(await dueAt(group.id)).toBe(group.expiresAt);
  });

  it("calls no object of an envelope in motion with nothing due, in the repair or the audit", async () => {
    const idle = await Promise.all(["idle-1", "idle-2", "idle-3"].map((id) => send(id)));
    const friend = await session();
    const grabbedOne = await send("grabbed-once");
    const share = await grabbed(friend, grabbedOne.id, "g");
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents === share,
    );
    await repair(0);
    const visited = await visitedDuring(async () => {
      await repair(0);
      expectBalanced(await audit(0));
    });
    for (const group of [...idle, grabbedOne]) expect(visited).not.toContain(group.id);
    const report = await audit(0);
    expect(report.groups.envelopes.find((e) => e.groupId === grabbedOne.id)).toMatchObject({ grabbedCents: share, balanced: true });
  });

  it("names and repairs a credit lost after the repair had moved the envelope past its bound", async () => {
    const group = await send("lost-later");
    const first = await session();
    const firstShare = await grabbed(first, group.id, "g");
    await eventually(
      () => wallet(first.token),
      (w) => w.balanceCents === firstShare,
    );
    await repair(0);
    expect(await dueAt(group.id)).toBe(group.expiresAt);
    const second = await session();
    const restore = await dropLedgerWrites("group-grab");
    let share = 0;
    try {
      share = await grabbed(second, group.id, "g");
      expect(await dueAt(group.id)).toBeLessThanOrEqual(Date.now());
      expectNamed(await audit(0), `group:${group.id}`);
    } finally {
      await restore();
    }
    const visited = await visitedDuring(async () => {
      await repair(0);
    });
    expect(visited).toContain(group.id);
    await eventually(
      () => wallet(second.token),
      (w) => w.balanceCents === share,
    );
    await eventually(
      async () => {
        await repair(0);
        return dueAt(group.id);
      },
      (at) => at === group.expiresAt,
    );
    expectBalanced(await audit(0));
  });

  it("answers a grab that must lower the due time 503 while D1 is down, grabbing nothing, and grabs once it is back", async () => {
    const group = await send("d1-down");
    const friend = await session();
    await env.DB.exec("ALTER TABLE group_envelopes RENAME TO group_envelopes_offline");
    let refused: Response;
    try {
      refused = await grab(friend.token, group.id, "g");
    } finally {
      await env.DB.exec("ALTER TABLE group_envelopes_offline RENAME TO group_envelopes");
    }
    expect(refused.status).toBe(503);
    expect(await dueAt(group.id)).toBe(group.expiresAt);
    const share = await grabbed(friend, group.id, "g");
    expect(await dueAt(group.id)).toBeLessThanOrEqual(Date.now());
    await eventually(
      () => wallet(friend.token),
      (w) => w.balanceCents === share,
    );
  });
});
