/** Test helpers for group envelopes: a live lottery whose pool carries a split budget, and its winners. */
import type {
  CreateGroupResponse,
  GroupView,
  PoolSplitBudget,
  SessionResponse,
  ShakeResponse,
  WalletResponse,
  WonEnvelope,
} from "../../src/wire/index";
import { admin, json, putTimeline, session } from "./api";

const HOUR = 3_600_000;

/**
 * Puts a timeline with one lottery phase live now (every shake a candidate) and one pool of
 * `envelopes` envelopes of exactly `envelopeCents` each in it, optionally with a split budget.
 */
export async function splitLottery(split?: PoolSplitBudget, envelopes = 50, envelopeCents = 100): Promise<void> {
  const now = Date.now();
  const tag = crypto.randomUUID().slice(0, 8);
  const sponsorId = `split-${tag}`;
  const phaseId = `lottery-${tag}`;
  await putTimeline({
    galaId: `gala-groups-${tag}`,
    sponsors: [{ id: sponsorId, name: "Split & Co", assetId: "sponsor-split" }],
    phases: [
      {
        id: phaseId,
        title: "Split lottery",
        kind: "lottery",
        startsAt: now - 1000,
        endsAt: now + HOUR,
        sponsorIds: [sponsorId],
        greetingAssetId: "greeting-split",
        candidateRate: 1,
      },
    ],
  });
  const res = await admin("POST", "/pools", {
    phaseId,
    sponsorId,
    budgetCents: envelopes * envelopeCents,
    count: envelopes,
    minCents: envelopeCents,
    maxCents: envelopeCents,
    ...(split ? { splitAmountCents: split.amountCents, splitCount: split.count } : {}),
  });
  if (res.status !== 201) throw new Error(`pool failed: ${res.status} ${await res.text()}`);
}

/** A new user who shakes once in the live lottery and wins an envelope. */
export async function winner(): Promise<{ user: SessionResponse; envelope: WonEnvelope }> {
  const user = await session();
  const res = await json("POST", "/api/shake", { requestId: "first-shake" }, user.token);
  const body = (await res.json()) as ShakeResponse;
  if (body.kind !== "envelope") throw new Error(`expected an envelope, got ${JSON.stringify(body)}`);
  return { user, envelope: body.envelope };
}

/** Polls until `check` holds (settlement goes through the queue), failing after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function wallet(token: string): Promise<WalletResponse> {
  const res = await json("GET", "/api/wallet", undefined, token);
  if (res.status !== 200) throw new Error(`wallet failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A user whose wallet holds one won, opened and settled envelope (`envelopeCents` of the lottery). */
export async function fundedUser(): Promise<{ user: SessionResponse; balanceCents: number }> {
  const { user, envelope } = await winner();
  const res = await json("POST", `/api/envelopes/${envelope.claimId}/open`, {}, user.token);
  if (res.status !== 200) throw new Error(`open failed: ${res.status} ${await res.text()}`);
  const settled = await eventually(
    () => wallet(user.token),
    (w) => w.balanceCents === envelope.amountCents,
  );
  return { user, balanceCents: settled.balanceCents };
}

export async function createGroup(token: string, body: unknown): Promise<Response> {
  return json("POST", "/api/groups", body, token);
}

/** A winner of a split-budget pool shares it: the sender and the created group envelope. */
export async function seedGroup(expiresInMs?: number): Promise<{ sender: SessionResponse; group: CreateGroupResponse; claimId: string }> {
  const { user, envelope } = await winner();
  const res = await createGroup(user.token, { fromClaimId: envelope.claimId, greeting: "Happy new year!", expiresInMs });
  if (res.status !== 201) throw new Error(`group failed: ${res.status} ${await res.text()}`);
  return { sender: user, group: (await res.json()) as CreateGroupResponse, claimId: envelope.claimId };
}

export function grab(token: string, groupId: string, requestId: string): Promise<Response> {
  return json("POST", `/api/groups/${groupId}/grab`, { requestId }, token);
}

export async function groupStatus(token: string, groupId: string): Promise<GroupView> {
  const res = await json("GET", `/api/groups/${groupId}`, undefined, token);
  if (res.status !== 200) throw new Error(`status failed: ${res.status} ${await res.text()}`);
  return res.json();
}
