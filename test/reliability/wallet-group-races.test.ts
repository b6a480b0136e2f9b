/**
 * The two wallet-group races of issue 26, each driven step by step through the same functions
 * the creation request runs (register → debit → create), with the request dying or a second
 * request interleaving where the race needs it. Both must end with every cent where it
 * belongs and the audit balanced.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { GROUP_LEDGER } from "../../src/domain/group-envelope";
import { markCreated, registerGroup } from "../../src/money/group-registry";
import { debitWallet } from "../../src/money/wallet-ledger";
import type { ApiErrorBody, CreateGroupResponse, GrabGroupResponse } from "../../src/wire/index";
import type { GroupSpec } from "../../src/wire/rpc";
import { audit, wallet } from "../support/api";
import { readJson } from "../support/api-client";
import { createGroup, fundedUser, grab, splitLottery } from "../support/groups";
import { expectBalanced, repair } from "../support/repair";
import { eventually } from "../support/wait";

const ENVELOPE_CENTS = 1000;

function walletSpec(senderId: string, amountCents: number): GroupSpec {
  const now = Date.now();
  return {
    groupId: `g_${crypto.randomUUID().replace(/-/g, "")}`,
    senderId,
    funding: "wallet",
    amountCents,
    count: 2,
    greeting: "",
    createdAt: now,
    expiresAt: now + 60_000,
  };
}

const debitOf = (spec: GroupSpec) =>
  debitWallet(
    env,
    {
      entryId: GROUP_LEDGER.send.entryId(spec.groupId),
      userId: spec.senderId,
      kind: GROUP_LEDGER.send.kind,
      amountCents: spec.amountCents,
      ref: spec.groupId,
    },
    Date.now(),
  );

describe("wallet-group races", () => {
  beforeAll(() => splitLottery(undefined, 20, ENVELOPE_CENTS));

  it("a repair that cancels a registration before its debit: the late debit is refused, nothing is stranded", async () => {
    const { user, balanceCents } = await fundedUser();
    const requestId = "dies-after-debit";
    // The request registers its envelope...
    const { spec } = await registerGroup(env.DB, `wallet:${user.userId}:${requestId}`, walletSpec(user.userId, 400), Date.now());
    // ...a repair with no bound cancels the registration (its object is refused for good)...
    expect((await repair(0)).groups.creationsSettled).toBeGreaterThanOrEqual(1);
    // ...then the request debits, and dies before it creates the object.
    const debit = await debitOf(spec);
    await repair(0);
    expect((await wallet(user.token)).balanceCents).toBe(balanceCents);
    expectBalanced(await audit(0));
    expect(debit.status).toBe("refused");
    const retry = await createGroup(user.token, { amountCents: 400, count: 2, requestId });
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as ApiErrorBody).error.message).toContain("cancelled");
  });

  it("two same-requestId retries around an insufficient-funds attempt fund one registered envelope", async () => {
    const { user, balanceCents } = await fundedUser();
    const requestId = "around-insufficient";
    const amountCents = balanceCents + 500;
    // Request B registers first (and will debit later)...
    const { spec } = await registerGroup(env.DB, `wallet:${user.userId}:${requestId}`, walletSpec(user.userId, amountCents), Date.now());
    // ...request A, same request id, finds B's registration and is refused for funds...
    const refused = await createGroup(user.token, { amountCents, count: 2, requestId });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ApiErrorBody).error.code).toBe("insufficient_funds");
    // ...a credit lands, and B's debit and creation go through.
    const { user: friend } = await fundedUser();
    const gift = await readJson<CreateGroupResponse>(
      await createGroup(friend.token, { amountCents: 500, count: 1, requestId: "gift" }),
      201,
    );
    expect(((await (await grab(user.token, gift.id, "take")).json()) as GrabGroupResponse).status).toBe("grabbed");
    await eventually(
      () => wallet(user.token),
      (w) => w.balanceCents === amountCents,
    );
    expect((await debitOf(spec)).status).toBe("debited");
    await env.GROUP_ENVELOPE.getByName(spec.groupId).create(spec);
    await markCreated(env.DB, spec.groupId);
    const row = await env.DB.prepare("SELECT status FROM group_envelopes WHERE group_id = ?")
      .bind(spec.groupId)
      .first<{ status: string }>();
    expect(row?.status).toBe("created");
    // A third retry finds the same envelope and charges nothing more.
    const again = await createGroup(user.token, { amountCents, count: 2, requestId });
    expect(again.status).toBe(201);
    expect(((await again.json()) as CreateGroupResponse).id).toBe(spec.groupId);
    expect((await wallet(user.token)).balanceCents).toBe(0);
    const report = await audit(0);
    expect(report.groups.envelopes.find((e) => e.groupId === spec.groupId)).toMatchObject({ status: "created", balanced: true });
    expectBalanced(report);
  });
});
