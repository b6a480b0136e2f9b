/**
 * Group envelopes as the send-grab script calls them: `POST /api/groups` (wallet-funded),
 * `POST /api/groups/:id/grab`, `GET /api/groups/:id`.
 */
import http from "k6/http";
import type { CreateGroupResponse, CreateWalletGroupRequest, GrabGroupResponse, GroupStatus } from "../../src/wire.ts";
import { BASE_URL } from "./config.ts";
import { bodyOf } from "./api.ts";

function post<T>(path: string, token: string, body: unknown, name: string): { status: number; body: T | null } {
  const res = http.post(`${BASE_URL}${path}`, JSON.stringify(body), {
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    tags: { name },
    responseType: "text",
  });
  return { status: res.status, body: bodyOf<T>(res) };
}

export function createGroup(token: string, request: CreateWalletGroupRequest) {
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
