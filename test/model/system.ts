/**
 * The system under test for the model-based money suite: one fresh gala per sequence (a live
 * lottery phase with three sponsor pools, one with a split budget, and a later phase that
 * receives leftovers; its envelopes go out through the shards or from edge leases), its
 * viewers, and the calls and fault injectors the commands use. All
 * calls go through the real worker, objects, queue and D1.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { openSignedClaim } from "../../src/edge/claim-signing";
import { dropIsolateLeases } from "../../src/edge/edge-leases";
import { shardStub, userShard } from "../../src/objects";
import type { CreateGroupResponse, GrabGroupResponse, Issuance, ShakeResponse } from "../../src/wire/index";
import { admin, createPool, json, putShow, session } from "../support/api";
import { readJson } from "../support/api-client";
import { createGroup, grab as grabShare } from "../support/groups";
import { leaseInPlace, present as presentClaims } from "../support/leases";
import { ledgerDown, ledgerUp } from "../support/ledger";
import { phase, SPONSORS } from "../support/phases";
import { claimMessage, deliver, markSent, SETTLEMENT_QUEUE } from "../support/settlement";
import { sessionsOnShard, shake, type Viewer } from "../support/viewers";

export interface Gala {
  phaseId: string;
  viewers: Viewer[];
}

const SEC = 1000;

export async function newGala(viewerCount: number, issuance: Issuance = "shard"): Promise<Gala> {
  const tag = crypto.randomUUID().slice(0, 8);
  const now = Date.now();
  const phaseId = `model-${tag}`;
  const sponsorIds = SPONSORS.slice(0, 3).map((s) => s.id);
  await putShow(
    [
      phase(phaseId, "lottery", now - SEC, now + 600 * SEC, { sponsorIds, issuance }),
      phase(`${phaseId}-encore`, "lottery", now + 700 * SEC, now + 800 * SEC, { sponsorIds: [sponsorIds[0]] }),
    ],
    `model-gala-${tag}`,
  );
  for (const [i, sponsorId] of sponsorIds.entries()) {
    const split = i === 0 ? { splitAmountCents: 300, splitCount: 3 } : {};
    await createPool({ phaseId, sponsorId, budgetCents: 2_000 + i * 7, count: 16, ...split });
  }
  if (issuance === "shard") return { phaseId, viewers: await Promise.all(Array.from({ length: viewerCount }, () => session())) };
  // Viewers of one shard share the isolate's lease there; it is in place when the sequence starts.
  const first = await session();
  const neighbours = await sessionsOnShard(userShard(env, first.userId), viewerCount + 2);
  const opener = await leaseInPlace(neighbours.slice(viewerCount), `opener-${tag}`);
  // The opener's PWA presents its win, so no unreported claim of this gala outlives its sequence.
  await present(opener.viewer, [opener.won.envelope.signedClaim!]);
  return { phaseId, viewers: neighbours.slice(0, viewerCount) };
}

/** Opens a claim, sending its signed claim when the viewer keeps one (an edge-lease win), as the PWA does. */
export async function open(v: Viewer, claimId: string, signedClaim?: string): Promise<number> {
  return (await json("POST", `/api/envelopes/${claimId}/open`, signedClaim ? { signedClaim } : {}, v.token)).status;
}

/** The viewer presents the signed claims it keeps; returns each one's status. */
export async function present(v: Viewer, signedClaims: string[]): Promise<string[]> {
  return signedClaims.length === 0 ? [] : (await presentClaims(v, signedClaims)).map((r) => r.status);
}

/** An isolate's report of one claim arriving again (a duplicated report), straight to its lease shard. */
export async function duplicateReport(v: Viewer, signedClaim: string): Promise<void> {
  const claim = await openSignedClaim(env, signedClaim);
  if (claim?.userId !== v.userId) throw new Error("the model kept a signed claim the edge does not accept");
  for (let i = 0; i < 2; i++) await shardStub(env, claim.shard).recordLeasedClaims([claim]);
}

/** When the edge issued a leased win, from its signed claim. */
export async function issuedAt(signedClaim: string): Promise<number> {
  const claim = await openSignedClaim(env, signedClaim);
  if (!claim) throw new Error("the model kept a signed claim the edge does not accept");
  return claim.issuedAt;
}

/** The isolate that answered dies with its leases and unreported claims. */
export function loseIsolate(): void {
  dropIsolateLeases();
}

export async function createSeedGroup(v: Viewer, claimId: string): Promise<CreateGroupResponse | null> {
  const res = await createGroup(v.token, { fromClaimId: claimId });
  return res.status === 201 ? res.json() : null;
}

export async function grab(v: Viewer, groupId: string, requestId: string): Promise<GrabGroupResponse> {
  return readJson<GrabGroupResponse>(await grabShare(v.token, groupId, requestId));
}

export async function stopPhase(phaseId: string): Promise<number> {
  return (await admin("POST", `/timeline/phases/${phaseId}/stop`, {})).status;
}

/** A lost message: the claim is recorded as sent, but nothing is on the queue. */
export async function loseMessage(v: Viewer, claimId: string): Promise<void> {
  await markSent(userShard(env, v.userId), [claimId], Date.now());
}

/** A duplicate: the claim's message goes on the real queue once more. */
export async function duplicateMessage(v: Viewer, claimId: string): Promise<void> {
  await env.SETTLEMENTS.send(await claimMessage(v.userId, claimId));
}

/** The consumer runs the claim's message while D1 fails its batch; returns whether it asked for a retry. */
export async function failingD1Batch(v: Viewer, claimId: string): Promise<boolean> {
  const message = await claimMessage(v.userId, claimId);
  await ledgerDown("wallets");
  try {
    return (await deliver(SETTLEMENT_QUEUE, [message])).retryMessages.length === 1;
  } finally {
    await ledgerUp("wallets");
  }
}

/** Every object is reset while a shake is in flight. */
export async function resetMidCall(v: Viewer, requestId: string, holdings?: string, retryOf?: string): Promise<ShakeResponse | null> {
  const [answer] = await Promise.all([
    shake(v.token, requestId, { holdings, retry: retryOf }).catch(() => null),
    abortAllDurableObjects().catch(() => undefined),
  ]);
  return answer;
}
