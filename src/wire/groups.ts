/**
 * The public group-envelope (split packet) API.
 */
import type { Cents, EpochMs } from "./api";

/** Where a group envelope's money comes from: the sender's wallet or a won seed envelope's split budget. */
export type GroupFunding = "wallet" | "seed";

/** `POST /api/groups` funded from the sender's wallet. */
export interface CreateWalletGroupRequest {
  amountCents: Cents;
  count: number;
  greeting?: string;
  /** Default 24 h. */
  expiresInMs?: number;
  /** Required: a retry with the same request id returns the same envelope and debits once. */
  requestId: string;
}

/** `POST /api/groups` funded by the split budget of a seed envelope the caller won. */
export interface CreateSeedGroupRequest {
  fromClaimId: string;
  greeting?: string;
  expiresInMs?: number;
}

export interface CreateGroupResponse {
  id: string;
  /** Path the PWA opens to grab: `/g/<id>`. */
  shareUrl: string;
  funding: GroupFunding;
  amountCents: Cents;
  count: number;
  expiresAt: EpochMs;
}

export interface GrabGroupRequest {
  /** Client-chosen id; a retry with the same id gets the same answer. */
  requestId: string;
}

export type GrabOutcome =
  { status: "grabbed"; amountCents: Cents } | { status: "already"; amountCents: Cents } | { status: "empty" } | { status: "expired" };

export type GrabGroupResponse = GrabOutcome & { groupId: string; requestId: string };

export interface GroupGrab {
  userId: string;
  amountCents: Cents;
  grabbedAt: EpochMs;
}

export type GroupState = "open" | "empty" | "expired" | "refunded";

/** A group envelope's state with its grabbers' user ids (kept on the server). */
export interface GroupStatus {
  id: string;
  senderId: string;
  funding: GroupFunding;
  greeting: string;
  amountCents: Cents;
  count: number;
  grabbedCents: Cents;
  grabbedCount: number;
  remainingCents: Cents;
  remainingCount: number;
  /** What went back to the sender at expiry (0 until then). */
  refundedCents: Cents;
  state: GroupState;
  createdAt: EpochMs;
  expiresAt: EpochMs;
  grabs: GroupGrab[];
}

/** One grab as a group page shows it: never the grabber's user id. */
export interface GroupGrabView {
  /** The grabber's display name from their ID token, or "Friend N" (N: grab order). */
  label: string;
  /** The viewer's own grab. */
  you: boolean;
  /** The sender's grab. */
  sender: boolean;
  amountCents: Cents;
  grabbedAt: EpochMs;
}

/** `GET /api/groups/:id`, for the viewer asking. */
export interface GroupView extends Omit<GroupStatus, "senderId" | "grabs"> {
  /** The viewer sent this envelope. */
  youSent: boolean;
  grabs: GroupGrabView[];
}
