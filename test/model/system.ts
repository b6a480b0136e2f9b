/**
 * The system under test for the model-based money suite: one fresh gala per sequence (a live
 * lottery phase with three sponsor pools, one with a split budget, and a later phase that
 * receives leftovers; its envelopes go out through the shards or from edge leases), its
 * viewers, and the calls and fault injectors the commands use. All
 * calls go through the real worker, objects, queue and D1.
 */
import { abortAllDurableObjects, createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { shardStub, userShard } from "../../src/objects";
import type {
  CreateGroupResponse,
  GrabGroupResponse,
  Issuance,
  PresentResponse,
  ShakeResponse,
  WalletResponse,
} from "../../src/wire/index";
import { openSignedClaim } from "../../src/edge/claim-signing";
import { dropIsolateLeases } from "../../src/edge/edge-leases";
import type { SettlementMessage } from "../../src/wire/rpc";
import { admin, call, json, putTimeline, session } from "../support/api";
import { SPONSORS, phase } from "../support/show";
import { ledgerDown, ledgerUp } from "../support/ledger";

export interface Viewer {
  token: string;
  userId: string;
}

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
  await putTimeline({
    galaId: `model-gala-${tag}`,
    sponsors: SPONSORS,
    phases: [
      phase(phaseId, "lottery", now - SEC, now + 600 * SEC, { sponsorIds, issuance }),
      phase(`${phaseId}-encore`, "lottery", now + 700 * SEC, now + 800 * SEC, { sponsorIds: [sponsorIds[0]] }),
    ],
  });
  for (const [i, sponsorId] of sponsorIds.entries()) {
    const split = i === 0 ? { splitAmountCents: 300, splitCount: 3 } : {};
    const res = await admin("POST", "/pools", { phaseId, sponsorId, budgetCents: 2_000 + i * 7, count: 16, ...split });
    if (res.status !== 201) throw new Error(`pool: ${res.status} ${await res.text()}`);
  }
  const viewers =
    issuance === "edge-leases" ? await neighbours(viewerCount) : await Promise.all(Array.from({ length: viewerCount }, () => session()));
  if (issuance === "edge-leases") {
    // One more viewer of their shard shakes first, so the isolate holds a lease there when the sequence starts.
    const [opener] = await neighbours(1, userShard(env, viewers[0].userId));
    await shake(opener, `opener-${tag}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { phaseId, viewers };
}

/** `count` viewers who all live on one shard (`shard`, or the first one's), so their candidates share the isolate's lease there. */
async function neighbours(count: number, shard?: number): Promise<Viewer[]> {
  const found: Viewer[] = [];
  for (let tries = 0; found.length < count; tries++) {
    if (tries > 200) throw new Error("no viewers found on one shard");
    const v = await session();
    if (shard === undefined) shard = userShard(env, v.userId);
    if (userShard(env, v.userId) === shard) found.push(v);
  }
  return found;
}

/** A shake as the PWA sends it: with the latest holdings the viewer got in this gala, marked with its phase when it is a retry. */
export async function shake(v: Viewer, requestId: string, holdings?: string, retryOf?: string): Promise<ShakeResponse | null> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Authorization: `Bearer ${v.token}` };
  if (holdings) headers["X-Gala-Holdings"] = holdings;
  if (retryOf) headers["X-Gala-Retry"] = retryOf;
  const res = await call("/api/shake", { method: "POST", headers, body: JSON.stringify({ requestId }) });
  if (res.status !== 200) throw new Error(`shake answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Opens a claim, sending its signed claim when the viewer keeps one (an edge-lease win), as the PWA does. */
export async function open(v: Viewer, claimId: string, signedClaim?: string): Promise<number> {
  return (await json("POST", `/api/envelopes/${claimId}/open`, signedClaim ? { signedClaim } : {}, v.token)).status;
}

/** The viewer presents the signed claims it keeps; returns each one's status. */
export async function present(v: Viewer, signedClaims: string[]): Promise<string[]> {
  if (signedClaims.length === 0) return [];
  const res = await json("POST", "/api/envelopes/present", { signedClaims }, v.token);
  if (res.status !== 200) throw new Error(`present answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as PresentResponse).results.map((r) => r.status);
}

/** An isolate's report of one claim arriving again (a duplicated report), straight to the home shard. */
export async function duplicateReport(v: Viewer, signedClaim: string): Promise<void> {
  const claim = await openSignedClaim(env, signedClaim);
  if (!claim) throw new Error("the model kept a signed claim the edge does not accept");
  for (let i = 0; i < 2; i++) await shardStub(env, userShard(env, v.userId)).recordLeasedClaims([claim]);
}

/** The isolate that answered dies with its leases and unreported claims. */
export function loseIsolate(): void {
  dropIsolateLeases();
}

export async function wallet(v: Viewer): Promise<WalletResponse> {
  return (await json("GET", "/api/wallet", undefined, v.token)).json();
}

export async function createSeedGroup(v: Viewer, claimId: string): Promise<CreateGroupResponse | null> {
  const res = await json("POST", "/api/groups", { fromClaimId: claimId }, v.token);
  return res.status === 201 ? res.json() : null;
}

export async function grab(v: Viewer, groupId: string, requestId: string): Promise<GrabGroupResponse> {
  return (await json("POST", `/api/groups/${groupId}/grab`, { requestId }, v.token)).json();
}

export async function stopPhase(phaseId: string): Promise<number> {
  return (await admin("POST", `/timeline/phases/${phaseId}/stop`, {})).status;
}

export async function tick(): Promise<number> {
  return (await admin("POST", "/show-clock/tick")).status;
}

/** The settlement message of one of the viewer's claims, as the producer builds it. */
export async function messageOf(v: Viewer, claimId: string): Promise<SettlementMessage> {
  const shard = userShard(env, v.userId);
  const claim = (await shardStub(env, shard).userClaims(v.userId)).find((c) => c.claimId === claimId)!;
  const { userId, poolId, phaseId, sponsorId, amountCents, claimedAt } = claim;
  return { kind: "claims", shard, claims: [{ claimId, userId, poolId, phaseId, sponsorId, amountCents, claimedAt }] };
}

/** A lost message: the claim is recorded as sent, but nothing is on the queue. */
export async function loseMessage(v: Viewer, claimId: string): Promise<void> {
  await shardStub(env, userShard(env, v.userId)).markEnqueued([claimId], Date.now());
}

/** A duplicate: the claim's message goes on the real queue once more. */
export async function duplicateMessage(v: Viewer, claimId: string): Promise<void> {
  await env.SETTLEMENTS.send(await messageOf(v, claimId));
}

/** The consumer runs the claim's message while D1 fails its batch; returns whether it asked for a retry. */
export async function failingD1Batch(v: Viewer, claimId: string): Promise<boolean> {
  const body = await messageOf(v, claimId);
  const batch = createMessageBatch<SettlementMessage>("gala-settlements", [
    { id: crypto.randomUUID(), timestamp: Date.now(), attempts: 1, body },
  ]) as MessageBatch;
  await ledgerDown("wallets");
  try {
    await worker.queue(batch, env);
  } finally {
    await ledgerUp("wallets");
  }
  const result = await getQueueResult(batch, createExecutionContext());
  return result.retryMessages.length === 1;
}

/** Every object is reset while a shake is in flight. */
export async function resetMidCall(v: Viewer, requestId: string, holdings?: string, retryOf?: string): Promise<ShakeResponse | null> {
  const [answer] = await Promise.all([
    shake(v, requestId, holdings, retryOf).catch(() => null),
    abortAllDurableObjects().catch(() => undefined),
  ]);
  return answer;
}
