/** Test helpers for group envelopes: a live lottery whose pool carries a split budget, its winners, and their group envelopes. */
import type { CreateGroupResponse, GroupView, PoolSplitBudget } from "../../src/wire/index";
import { createPool, json, wallet } from "./api";
import { readJson } from "./api-client";
import { openOk, winner } from "./lottery";
import { liveLotteryShow } from "./show";
import { SPONSORS } from "./phases";
import type { Viewer } from "./viewers";
import { eventually } from "./wait";

/**
 * Puts a live lottery (every shake a candidate) with one pool of `envelopes` envelopes of
 * exactly `envelopeCents` each, optionally with a split budget.
 */
export async function splitLottery(split?: PoolSplitBudget, envelopes = 50, envelopeCents = 100): Promise<void> {
  const sponsorId = SPONSORS[0].id;
  const { lotteryId } = await liveLotteryShow(`groups-${crypto.randomUUID().slice(0, 8)}`, { sponsorIds: [sponsorId] });
  await createPool({
    phaseId: lotteryId,
    sponsorId,
    budgetCents: envelopes * envelopeCents,
    count: envelopes,
    minCents: envelopeCents,
    maxCents: envelopeCents,
    ...(split ? { splitAmountCents: split.amountCents, splitCount: split.count } : {}),
  });
}

/** A viewer whose wallet holds one won, opened and settled envelope (`envelopeCents` of the lottery). */
export async function fundedUser(): Promise<{ user: Viewer; balanceCents: number }> {
  const w = await winner();
  await openOk(w);
  const settled = await eventually(
    () => wallet(w.token),
    (view) => view.balanceCents === w.envelope.amountCents,
  );
  return { user: { token: w.token, userId: w.userId }, balanceCents: settled.balanceCents };
}

export async function createGroup(token: string, body: unknown): Promise<Response> {
  return json("POST", "/api/groups", body, token);
}

/** A winner of a split-budget pool shares it: the sender and the created group envelope. */
export async function seedGroup(expiresInMs?: number): Promise<{ sender: Viewer; group: CreateGroupResponse; claimId: string }> {
  const { envelope, ...sender } = await winner();
  const res = await createGroup(sender.token, { fromClaimId: envelope.claimId, greeting: "Happy new year!", expiresInMs });
  return { sender, group: await readJson<CreateGroupResponse>(res, 201), claimId: envelope.claimId };
}

export function grab(token: string, groupId: string, requestId: string): Promise<Response> {
  return json("POST", `/api/groups/${groupId}/grab`, { requestId }, token);
}

export async function groupStatus(token: string, groupId: string): Promise<GroupView> {
  return readJson<GroupView>(await json("GET", `/api/groups/${groupId}`, undefined, token));
}
