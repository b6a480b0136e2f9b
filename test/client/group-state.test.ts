import { describe, expect, it } from "vitest";
import { grabLines, outcomeText, summaryText, viewerState } from "../../static-assets/js/group-state.js";
import { groupView } from "../../src/domain/group-view";
import type { GroupStatus, GroupView } from "../../src/wire/index";

const status = (over: Partial<GroupStatus> = {}): GroupStatus => ({
  id: "g_1",
  senderId: "u_sender",
  funding: "seed",
  greeting: "Happy new year",
  amountCents: 888,
  count: 5,
  grabbedCents: 300,
  grabbedCount: 2,
  remainingCents: 588,
  remainingCount: 3,
  refundedCents: 0,
  state: "open",
  createdAt: 1_000,
  expiresAt: 90_000,
  grabs: [
    { userId: "u_friend_abcd", amountCents: 120, grabbedAt: 3_000 },
    { userId: "u_sender", amountCents: 180, grabbedAt: 2_000 },
  ],
  ...over,
});

/** The page as the server shows it to `viewer` (null: someone without a share). */
const group = (over: Partial<GroupStatus> = {}, viewer: string | null = "u_new", names = new Map<string, string>()): GroupView =>
  groupView(status(over), viewer ?? "u_nobody", names);

describe("group envelope page state", () => {
  it("offers the grab while shares are left and the viewer holds none", () => {
    expect(viewerState(group())).toEqual({ status: "open" });
  });

  it("a share the viewer holds wins over empty and expired", () => {
    expect(viewerState(group({}, "u_friend_abcd"))).toEqual({ status: "already", amountCents: 120 });
    expect(viewerState(group({ state: "empty" }, "u_friend_abcd"))).toEqual({ status: "already", amountCents: 120 });
    expect(viewerState(group({ state: "refunded" }, "u_sender"))).toEqual({ status: "already", amountCents: 180 });
  });

  it("names empty, expired and refunded envelopes for everyone else", () => {
    expect(viewerState(group({ state: "empty" }))).toEqual({ status: "empty" });
    expect(viewerState(group({ state: "expired" }))).toEqual({ status: "expired" });
    expect(viewerState(group({ state: "refunded" }, null))).toEqual({ status: "expired" });
  });

  it("says each outcome with the amount in yuan", () => {
    expect(outcomeText({ status: "grabbed", amountCents: 205 })).toBe("You grabbed ¥2.05! It is on its way to your wallet.");
    expect(outcomeText({ status: "already", amountCents: 7 })).toBe("You already grabbed ¥0.07 from this envelope.");
    expect(outcomeText({ status: "empty" })).toBe("Every share has been grabbed.");
    expect(outcomeText({ status: "expired" })).toMatch(/expired/);
    expect(summaryText(group())).toBe("¥8.88 in 5 shares · 3 left");
  });

  it("lists grabs oldest first as You, The sender and labels: a display name or Friend N", () => {
    expect(grabLines(group())).toEqual([
      { who: "The sender", amount: "¥1.80", mine: false },
      { who: "Friend 1", amount: "¥1.20", mine: false },
    ]);
    expect(grabLines(group({}, "u_friend_abcd")).map((l) => l.who)).toEqual(["The sender", "You"]);
    expect(grabLines(group({}, "u_new", new Map([["u_friend_abcd", "Alice"]]))).map((l) => l.who)).toEqual(["The sender", "Alice"]);
  });

  it("never shows anyone's user id, the sender's included", () => {
    const page = JSON.stringify(group());
    expect(page).not.toMatch(/u_sender|u_friend_abcd/);
    expect(group({}, "u_sender").youSent).toBe(true);
  });
});
