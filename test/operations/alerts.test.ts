/**
 * Alerts through the real stores: a live phase half over with nothing issued will not drain;
 * a dead letter on a shard shows in the console's alerts panel (GET /api/admin/alerts) and
 * the minute cron writes each alert as an `alert` log line; once requeued and settled, the
 * dead-letter alert is gone.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { AlertsResponse } from "../../src/wire/index";
import { admin, call } from "../support/api";
import { winner } from "../support/lottery";
import { jsonLines } from "../support/log-lines";
import { claimMessage, deadLetter } from "../support/settlement";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";

async function alerts(): Promise<AlertsResponse> {
  const res = await admin("GET", "/alerts");
  expect(res.status).toBe(200);
  return res.json();
}

describe("alerts", () => {
  beforeAll(async () => {
    await liveLottery("alerts", 64);
  });

  afterEach(() => vi.restoreAllMocks());

  it("needs the admin credential", async () => {
    expect((await call("/api/admin/alerts")).status).toBe(401);
  });

  it("raises a pool that will not drain and a dead letter in the panel and in the cron's log lines; the requeue clears the dead letter", async () => {
    const drain = expect.objectContaining({ kind: "pool_will_not_drain", severity: "warning", phaseId: "lottery-alerts", count: 64 });
    expect((await alerts()).alerts).toEqual([drain]);
    const w = await winner();
    await deadLetter(await claimMessage(w.userId));

    // A dead letter also fails the audit (money pending past its bound is a failure, docs/reliability.md).
    expect((await alerts()).alerts).toEqual([
      expect.objectContaining({ kind: "audit_failing", severity: "critical" }),
      expect.objectContaining({
        kind: "dead_letters",
        severity: "critical",
        count: 1,
        message: expect.stringContaining(`${w.envelope.amountCents} cents`),
      }),
      expect.objectContaining({ kind: "pool_will_not_drain" }),
    ]);

    const warn = vi.spyOn(console, "warn");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(jsonLines([warn], "alert")).toEqual([
      expect.objectContaining({ event: "audit_failing", severity: "critical" }),
      expect.objectContaining({ event: "dead_letters", severity: "critical", count: 1, phaseId: null, shard: null }),
      expect.objectContaining({ event: "pool_will_not_drain", severity: "warning", phaseId: "lottery-alerts" }),
    ]);

    expect((await admin("POST", "/settlements/requeue")).status).toBe(200);
    await eventually(async () => (await alerts()).alerts.every((a) => a.kind === "pool_will_not_drain"));
  });
});
