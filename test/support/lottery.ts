/** Test helpers for settlement: a live lottery phase with a pool, winners, opening, waiting. */
import type { AuditReport, OpenResponse, ShakeResponse, WalletResponse, WonEnvelope } from "../../src/wire";
import { admin, call, json, putTimeline, session } from "./api";

export const SPONSOR = { id: "sp-gold", name: "Gold Sponsor", assetId: "asset-gold" };

/**
 * Puts a timeline with one lottery phase live from now until `now + liveMs` (every shake a
 * candidate) and a pool of `count` envelopes for it; returns the phase and pool ids.
 */
export async function liveLottery(phaseId: string, count: number, liveMs = 60_000): Promise<{ phaseId: string; poolId: string; endsAt: number }> {
  const now = Date.now();
  const endsAt = now + liveMs;
  await putTimeline({
    galaId: "gala-test",
    sponsors: [SPONSOR],
    phases: [
      {
        id: phaseId,
        title: "Lottery",
        kind: "lottery",
        startsAt: now - 1000,
        endsAt,
        sponsorIds: [SPONSOR.id],
        greetingAssetId: "greet",
        candidateRate: 1,
      },
    ],
  });
  const res = await admin("POST", "/pools", { phaseId, sponsorId: SPONSOR.id, budgetCents: count * 100, count });
  if (res.status !== 201) throw new Error(`pool failed: ${res.status} ${await res.text()}`);
  const { pool } = (await res.json()) as { pool: { poolId: string } };
  return { phaseId, poolId: pool.poolId, endsAt };
}

export interface Winner {
  token: string;
  userId: string;
  envelope: WonEnvelope;
}

/** A new user who shakes once and wins an envelope. */
export async function winner(): Promise<Winner> {
  const { token, userId } = await session();
  const res = await json("POST", "/api/shake", { requestId: crypto.randomUUID() }, token);
  const body = (await res.json()) as ShakeResponse;
  if (body.kind !== "envelope") throw new Error(`expected an envelope, got ${JSON.stringify(body)}`);
  return { token, userId, envelope: body.envelope };
}

export function open(token: string, claimId: string): Promise<Response> {
  return call(`/api/envelopes/${claimId}/open`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
}

export async function openOk(w: Winner): Promise<OpenResponse> {
  const res = await open(w.token, w.envelope.claimId);
  if (res.status !== 200) throw new Error(`open failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function wallet(token: string): Promise<WalletResponse> {
  const res = await call("/api/wallet", { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`wallet failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function audit(stuckAfterMs?: number): Promise<AuditReport> {
  const res = await admin("GET", `/audit${stuckAfterMs === undefined ? "" : `?stuckAfterMs=${stuckAfterMs}`}`);
  if (res.status !== 200) throw new Error(`audit failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Polls `check` until it returns true (the real queue delivers asynchronously). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
