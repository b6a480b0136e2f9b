/** Test helpers for settlement: a live lottery phase with a pool, winners, opening, waiting. */
import type { AuditReport, OpenResponse, ShakeResponse, WalletResponse, WonEnvelope } from "../../src/wire/index";
import { admin, call, json, session } from "./api";
import { createPool, liveLotteryShow } from "./show";
import { SPONSORS } from "./phases";

/**
 * A show whose lottery phase (one sponsor, every shake a candidate) is live for a minute
 * (a test ends it sooner with the stop endpoint), with a pool of `count` envelopes of 1.00
 * on average.
 */
export async function liveLottery(tag: string, count: number): Promise<{ poolId: string; lotteryId: string }> {
  const endsAt = Date.now() + 60_000;
  const sponsorId = SPONSORS[0].id;
  const { lotteryId } = await liveLotteryShow(tag, { endsAt, sponsorIds: [sponsorId] });
  const { pool } = await createPool({ phaseId: lotteryId, sponsorId, budgetCents: count * 100, count });
  return { poolId: pool.poolId, lotteryId };
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
