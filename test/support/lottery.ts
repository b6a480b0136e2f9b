/** Winners of a live lottery (show.ts) and their envelopes: shaking once to win, opening. */
import type { OpenResponse, ShakeResponse, WonEnvelope } from "../../src/wire/index";
import { call, json, session } from "./api";
import { readJson } from "./api-client";

export interface Winner {
  token: string;
  userId: string;
  envelope: WonEnvelope;
}

/** A new viewer who shakes once in the live lottery and wins an envelope. */
export async function winner(): Promise<Winner> {
  const { token, userId } = await session();
  const body = await readJson<ShakeResponse>(await json("POST", "/api/shake", { requestId: crypto.randomUUID() }, token));
  if (body.kind !== "envelope") throw new Error(`expected an envelope, got ${JSON.stringify(body)}`);
  return { token, userId, envelope: body.envelope };
}

export function open(token: string, claimId: string): Promise<Response> {
  return call(`/api/envelopes/${claimId}/open`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
}

export async function openOk(w: Winner): Promise<OpenResponse> {
  return readJson<OpenResponse>(await open(w.token, w.envelope.claimId));
}
