/**
 * Faults in the money flow: the ledger (D1) goes down and comes back while winners open
 * their envelopes, so the real queue consumer fails intermittently and retries; the same
 * settlement messages are also delivered twice (across batches and inside one). Afterwards
 * every claim is settled exactly once, every wallet holds exactly its envelopes and the
 * audit balances to the cent. Also: another user's valid token cannot open a claim.
 */
import { env } from "cloudflare:workers";
import { expectBalanced } from "../support/repair";
import { describe, expect, it, type MockInstance, vi } from "vitest";
import type { OpenResponse } from "../../src/wire/index";
import type { SettlementMessage } from "../../src/wire/rpc";
import { audit, wallet } from "../support/api";
import { ledgerDown, ledgerQuery, ledgerUp } from "../support/ledger";
import { open, winner } from "../support/lottery";
import { claimMessage, deliver, SETTLEMENT_QUEUE } from "../support/settlement";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";

/** Hands the worker a batch again, as a redelivery would. */
const redeliver = (bodies: SettlementMessage[]) => deliver(SETTLEMENT_QUEUE, bodies, 2);

/** How many times the real consumer has logged a failed settlement batch so far. */
function failedBatches(warn: MockInstance<typeof console.warn>): number {
  return warn.mock.calls.filter(([text]) => String(text).startsWith("settlement batch failed")).length;
}

describe("settlement faults", () => {
  it("settles every claim exactly once through ledger outages and double delivery", async () => {
    await liveLottery("qfaults", 120);
    const winners = await Promise.all(Array.from({ length: 40 }, () => winner()));
    let outages = 0;
    let redelivered = 0;
    const warn = vi.spyOn(console, "warn");

    // Half open during a ledger outage: the answers still come at once. The ledger stays down
    // until the queue (batch timeout 0.1 s in the workers suite) has delivered to the consumer and the batch failed.
    await ledgerDown("wallets");
    outages++;
    const firstHalf = winners.slice(0, 20);
    let opened: Response[];
    try {
      opened = await Promise.all(firstHalf.map((w) => open(w.token, w.envelope.claimId)));
      await eventually(async () => failedBatches(warn) > 0);
    } finally {
      await ledgerUp("wallets");
    }
    expect(opened.map((r) => r.status)).toEqual(firstHalf.map(() => 200));

    // The other half opens twice each while the same messages are delivered twice by hand.
    const secondHalf = winners.slice(20);
    const messages = await Promise.all(winners.map((w) => claimMessage(w.userId)));
    const [openedAgain] = await Promise.all([
      Promise.all(secondHalf.flatMap((w) => [open(w.token, w.envelope.claimId), open(w.token, w.envelope.claimId)])),
      redeliver([...messages.slice(0, 10), ...messages.slice(0, 10)]),
      redeliver(messages.slice(5, 30)),
    ]);
    redelivered += 20 + 25;
    expect(openedAgain.every((r) => r.status === 200)).toBe(true);
    const answers = (await Promise.all(openedAgain.map((r) => r.json()))) as OpenResponse[];
    for (let i = 0; i < answers.length; i += 2) expect(answers[i]).toEqual(answers[i + 1]);

    // A second outage while the real queue is still delivering: the messages are sent to it
    // once more, and the ledger comes back only after one of its batches has failed.
    const failedBefore = failedBatches(warn);
    await ledgerDown("wallets");
    outages++;
    try {
      await env.SETTLEMENTS.sendBatch(messages.map((body) => ({ body })));
      await eventually(async () => failedBatches(warn) > failedBefore);
    } finally {
      await ledgerUp("wallets");
    }
    const failedTotal = failedBatches(warn);
    warn.mockRestore();
    redelivered += messages.length;
    await redeliver(messages);
    redelivered += messages.length;

    await eventually(
      () => Promise.all(winners.map((w) => wallet(w.token))),
      (views) => views.every((v, i) => v.balanceCents === winners[i].envelope.amountCents && v.pendingCents === 0),
      30_000,
    );
    const rows = await ledgerQuery<{ claim_id: string; amount_cents: number }>(
      "SELECT claim_id, amount_cents FROM ledger WHERE claim_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(winners.map((w) => w.envelope.claimId)),
    );
    expect(rows.map((r) => r.claim_id).sort()).toEqual(winners.map((w) => w.envelope.claimId).sort());
    const report = await audit();
    expectBalanced(report);
    expect(report.settlement.balanced).toBe(true);
    expect(report.duplicateEnvelopeClaims).toBe(0);
    const cents = winners.reduce((n, w) => n + w.envelope.amountCents, 0);
    const credited = rows.reduce((n, r) => n + r.amount_cents, 0);
    expect(credited).toBe(cents);
    console.log(
      `settlement faults: ${winners.length} claims, ${outages} ledger outages (${failedTotal} consumer batches failed), ` +
        `${redelivered} messages delivered again, ${secondHalf.length} double opens, ` +
        `${rows.length} ledger rows, ${cents} cents won, ${credited} cents in the ledger, audit problems: ${report.problems.length}`,
    );
  });

  it("refuses another user's valid token on a claim, and forged or expired ones", async () => {
    const owner = await winner();
    const other = await winner();
    const stolen = await open(other.token, owner.envelope.claimId);
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const [payload, signature] = owner.token.split(".");
    const otherPayload = other.token.split(".")[0];
    for (const token of [`${otherPayload}.${signature}`, `${payload}.${signature.slice(1)}`, "x.y"]) {
      expect((await open(token, owner.envelope.claimId)).status).toBe(401);
    }
    expect((await open(owner.token, owner.envelope.claimId)).status).toBe(200);
  });
});
