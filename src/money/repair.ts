/**
 * The repairs: one idempotent run that puts every stranded cent on its way again, safe at any
 * time and as often as wanted. The minute cron runs it (with the show clock) for money
 * pending longer than `REPAIR_AFTER_MS` (wrangler.toml, default 2 minutes); operators run it from the console (`POST /api/admin/repair`) with any
 * bound. Each step relies on an idempotency key downstream (the ledger credits a claim or a
 * group entry once, a group object refunds once, a refused object never comes back), so a
 * repair that races the normal path changes nothing twice.
 *
 * - settlement: unopened or never-sent claims of ended and closed phases are enqueued (the
 *   phase-close sweep); claims sent or dead-lettered before the bound and still unsettled are
 *   sent again (lost messages, a crash mid-send, dropped dead letters).
 * - group envelopes: registrations whose object never came are completed or refunded; every
 *   created envelope due within the bound (the registry's due-time index: its expiry passed,
 *   or a credit owed since) refunds if it expired without its refund (a lost alarm), sends
 *   again the credits the ledger has not confirmed within the bound and moves its due time to
 *   the next one; an envelope with nothing due is not visited. One refunded or emptied with
 *   nothing owed is marked settled (its figures folded into the registry's totals) and never
 *   visited again.
 * - wallets: a balance that differs from the sum of its ledger rows is recomputed from them.
 * - the show: the show clock's run (closing ended phases in time order, closing again a
 *   closed phase that holds a pool without a leftover move — a rollover pool made after its
 *   close —, moving stock that came back into a closed pool after its leftover move landed
 *   on in a new round of that move (src/show/stranded-stock.ts), reloading pools a shard is
 *   missing, finishing moves).
 */
import { dueCreatedGroups, type DueGroup, type FinalFigures, finalFigures, pendingRegistrations, settleGroups } from "./group-registry";
import { settleRegistration } from "./group-operations";
import { resendStale, settleClosedPhases } from "./settlement-sweeps";
import { recomputeWallets } from "./wallet-ledger";
import { groupStub, timelineStub } from "../objects";
import type { RepairReport } from "../wire/index";
import type { GroupFigures } from "../wire/rpc";

/** Due envelopes repaired per page (one D1 read, then their objects in parallel). */
const GROUP_PAGE = 200;

/** Refunded or emptied with nothing owed to the ledger: its figures are final. */
const finished = (f: GroupFigures) => f.openCents === 0 && f.outboxCents === 0;

async function repairGroups(env: Env, now: number, before: number): Promise<RepairReport["groups"]> {
  const report = { creationsSettled: 0, refunded: 0, resent: 0, unreachable: 0, retired: 0 };
  for (const spec of await pendingRegistrations(env.DB, before)) {
    try {
      await settleRegistration(env, spec, now);
      report.creationsSettled += 1;
    } catch (err) {
      console.warn("repair: group registration not settled", spec.groupId, String(err));
      report.unreachable += 1;
    }
  }
  for (let after: DueGroup = { dueAt: Number.MIN_SAFE_INTEGER, groupId: "" }; ;) {
    const due = await dueCreatedGroups(env.DB, before, after, GROUP_PAGE);
    if (due.length === 0) break;
    after = due[due.length - 1];
    const results = await Promise.allSettled(due.map((g) => groupStub(env, g.groupId).repair(before, g.dueAt)));
    const finals: FinalFigures[] = [];
    for (const result of results) {
      if (result.status === "rejected") {
        report.unreachable += 1;
        continue;
      }
      const { refunded, resent, figures } = result.value;
      if (refunded) report.refunded += 1;
      report.resent += resent;
      if (figures && finished(figures)) finals.push(finalFigures(figures));
    }
    await settleGroups(env.DB, finals, now);
    report.retired += finals.length;
  }
  return report;
}

export async function runRepairs(env: Env, now: number, olderThanMs: number): Promise<RepairReport> {
  const before = now - olderThanMs;
  const tick = await timelineStub(env).tick();
  const swept = await settleClosedPhases(env, now);
  const resent = await resendStale(env, now, before);
  const groups = await repairGroups(env, now, before);
  const wallets = await recomputeWallets(env, now);
  return { at: now, olderThanMs, settlement: { swept: swept.enqueued, resent: resent.enqueued }, groups, wallets, tick };
}
