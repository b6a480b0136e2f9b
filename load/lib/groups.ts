/**
 * Group envelopes as the send-grab script calls them: `POST /api/groups` (wallet-funded),
 * `POST /api/groups/:id/grab`, `GET /api/groups/:id`.
 */
import http from "k6/http";
import type { CreateGroupResponse, CreateWalletGroupRequest, GrabGroupResponse, GroupView } from "../../src/wire/index.ts";
import { BASE_URL } from "./config.ts";
import { bearer, bodyOf, postJson } from "./api.ts";

export function createGroup(token: string, request: CreateWalletGroupRequest) {
  return postJson<CreateGroupResponse>("/api/groups", token, request, "group create");
}

export function grab(token: string, groupId: string, requestId: string) {
  return postJson<GrabGroupResponse>(`/api/groups/${groupId}/grab`, token, { requestId }, "group grab");
}

export function groupStatus(token: string, groupId: string): GroupView | null {
  const res = http.get(`${BASE_URL}/api/groups/${groupId}`, {
    headers: bearer(token),
    tags: { name: "group status" },
    responseType: "text",
  });
  return res.status === 200 ? bodyOf<GroupView>(res) : null;
}
