/** Group pages label grabbers by display name (from their ID token) or "Friend N", never by id. */
import { describe, expect, it } from "vitest";
import { session } from "../support/api";
import { grab, groupStatus, seedGroup, splitLottery } from "../support/groups";
import { signIn } from "../support/identity";

describe("group page privacy", () => {
  it("shows a signed-in grabber's display name and anonymous grabbers as Friend N, to anyone, with no user id", async () => {
    await splitLottery({ amountCents: 300, count: 3 });
    const { sender, group } = await seedGroup();
    const grace = await signIn("grace");
    const anonymous = await session();
    expect((await grab(anonymous.token, group.id, "a-1")).status).toBe(200);
    expect((await grab(grace.token, group.id, "g-1")).status).toBe(200);
    const onlooker = await session();
    const page = await groupStatus(onlooker.token, group.id);
    expect(page.grabs.map((g) => [g.label, g.you, g.sender])).toEqual([
      ["Friend 1", false, false],
      ["Test grace", false, false],
    ]);
    expect(page.youSent).toBe(false);
    for (const id of [sender.userId, grace.userId, anonymous.userId]) expect(JSON.stringify(page)).not.toContain(id);
    const own = await groupStatus(grace.token, group.id);
    expect(own.grabs.map((g) => g.you)).toEqual([false, true]);
  });
});
