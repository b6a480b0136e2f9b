/**
 * Every call a synthetic viewer makes, one function each, so a change of the wire (the
 * shake's path, a sign-in step before the session) is a change of one line here.
 */
import type {
  CreateGroupResponse,
  GrabGroupResponse,
  OpenResponse,
  SessionResponse,
  ShakeResponse,
  TimeResponse,
  WalletResponse,
} from "../../src/wire/index.ts";
import { RETRY_HEADER } from "../../static-assets/js/shaker.js";
import type { JsonClient, Reply } from "./http.ts";

/** A new anonymous session for one device, as the PWA makes on first load. */
export function createSession(http: JsonClient, deviceId: string): Promise<Reply<SessionResponse>> {
  return http.call<SessionResponse>("POST", "/api/session", null, { deviceId });
}

export async function serverTime(http: JsonClient): Promise<number> {
  const reply = await http.call<TimeResponse>("GET", "/api/time", null);
  if (!reply.body) throw new Error(`GET /api/time: ${reply.status}`);
  return reply.body.serverTime;
}

/** A shake on the lean wire: `POST /api/shake/<requestId>`, no body; a retry is marked as the PWA marks it (with the phase it was first sent in). */
export function shakeCall(http: JsonClient, token: string, requestId: string, retryMark: string | null): Promise<Reply<ShakeResponse>> {
  const headers: Record<string, string> = retryMark === null ? {} : { [RETRY_HEADER]: retryMark };
  return http.call<ShakeResponse>("POST", `/api/shake/${requestId}`, token, undefined, undefined, headers);
}

/** Opens a win, presenting its signed claim when it came from an edge lease (as the PWA does: docs/pwa.md). */
export function openCall(http: JsonClient, token: string, claimId: string, signedClaim?: string): Promise<Reply<OpenResponse>> {
  return http.call<OpenResponse>("POST", `/api/envelopes/${claimId}/open`, token, signedClaim ? { signedClaim } : {});
}

export function walletCall(http: JsonClient, token: string): Promise<Reply<WalletResponse>> {
  return http.call<WalletResponse>("GET", "/api/wallet", token);
}

export function shareSeedCall(http: JsonClient, token: string, claimId: string): Promise<Reply<CreateGroupResponse>> {
  return http.call<CreateGroupResponse>("POST", "/api/groups", token, { fromClaimId: claimId, greeting: "rehearsal" });
}

export function grabCall(http: JsonClient, token: string, groupId: string, requestId: string): Promise<Reply<GrabGroupResponse>> {
  return http.call<GrabGroupResponse>("POST", `/api/groups/${groupId}/grab`, token, { requestId });
}
