/**
 * Group envelopes as the send-grab script calls them: `POST /api/groups`,
 * `POST /api/groups/:id/grab`, `GET /api/groups/:id` (issue 5). These interfaces mirror that
 * issue's wire types (wallet-funded creation, grab outcomes, status) until they land in
 * src/wire.ts, after which they are imported from there like every other wire type.
 */
import http from "k6/http";
import { BASE_URL } from "./config.ts";
import { bodyOf } from "./api.ts";

export interface CreateGroupRequest {
  amountCents: number;
  count: number;
  greeting?: string;
  expiresInMs?: number;
  requestId?: string;
}

export interface CreateGroupResponse {
  id: string;
  shareUrl: string;
}

export type GrabGroupResponse =
  | { status: "grabbed" | "already"; amountCents: number }
  | { status: "empty" | "expired" };

export interface GroupStatus {
  id: string;
  amountCents: number;
  count: number;
  grabbedCents: number;
  grabbedCount: number;
  remainingCents: number;
  remainingCount: number;
  refundedCents: number;
}

function post<T>(path: string, token: string, body: unknown, name: string): { status: number; body: T | null } {
  const res = http.post(`${BASE_URL}${path}`, JSON.stringify(body), {
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    tags: { name },
    responseType: "text",
  });
  return { status: res.status, body: bodyOf<T>(res) };
}

export function createGroup(token: string, request: CreateGroupRequest) {
  return post<CreateGroupResponse>("/api/groups", token, request, "group create");
}

export function grab(token: string, groupId: string, requestId: string) {
  return post<GrabGroupResponse>(`/api/groups/${groupId}/grab`, token, { requestId }, "group grab");
}

export function groupStatus(token: string, groupId: string): GroupStatus | null {
  const res = http.get(`${BASE_URL}/api/groups/${groupId}`, {
    headers: { Authorization: `Bearer ${token}` },
    tags: { name: "group status" },
    responseType: "text",
  });
  return res.status === 200 ? bodyOf<GroupStatus>(res) : null;
}
