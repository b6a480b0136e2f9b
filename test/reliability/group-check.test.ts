/**
 * The group envelopes' deep check (issue 26): each envelope verifies its grab rows against the
 * totals it keeps with them (grab-totals.ts), one slice on each of its alarms; a finding goes to
 * the show clock, where the audit names the envelope (`group:<id>`) until the rows are right
 * again. An envelope whose rows agree sends the show clock nothing.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { GrabGroupResponse } from "../../src/wire/index";
import { audit, session } from "../support/api";
import { grab, seedGroup, splitLottery } from "../support/groups";

const sourceOf = (groupId: string) => `group-${groupId}`;
const reportOf = async (groupId: string) =>
  (await env.TIMELINE.getByName("timeline").deepChecks()).find((r) => r.source === sourceOf(groupId));

const inGroup = (groupId: string, sql: string) =>
  runInDurableObject(env.GROUP_ENVELOPE.getByName(groupId), (_, state) => {
    state.storage.sql.exec(sql);
  });

describe("group envelopes' deep check", () => {
  beforeAll(() => splitLottery({ amountCents: 900, count: 3 }, 20, 1000));

  it("names the envelope whose grab row changed behind its totals, and no longer once the row is right again", async () => {
    const { group } = await seedGroup();
    const friend = await session();
    const grabbed = (await (await grab(friend.token, group.id, "g1")).json()) as GrabGroupResponse;
    expect(grabbed.status).toBe("grabbed");
    const stub = env.GROUP_ENVELOPE.getByName(group.id);
    const place = `group:${group.id}`;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await reportOf(group.id)).toBeUndefined();
    const run = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ last_run: string }>("SELECT last_run FROM deep_check").one(),
    );
    expect(JSON.parse(run.last_run)).toMatchObject({ rows: 1, entities: 1, slices: 1 });
    expect(JSON.parse(run.last_run).maxSliceMs).toBeLessThan(50);

    await inGroup(group.id, "DROP TRIGGER IF EXISTS grab_totals_update");
    await inGroup(group.id, "UPDATE grabs SET amount = amount + 5");
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const named = (await audit()).problems.filter((p) => p.place === place);
    expect(named).toEqual([expect.objectContaining({ cents: 5, problem: expect.stringContaining("deep check") })]);

    await inGroup(group.id, "UPDATE grabs SET amount = amount - 5");
    expect((await audit()).problems.map((p) => p.place)).not.toContain(place);
    expect((await reportOf(group.id))?.findings).toEqual([]);
  });
});
