/**
 * The operator's step in the middle of the show, through the admin API as the console
 * would do it: move a phase (PATCH with the version read), add the encore to the running
 * order (PUT), then create the encore's pools. A refused step is recorded, not thrown: the
 * show goes on and the report says what failed.
 */
import type { CreatePoolResponse, Timeline, TimelineEditResponse } from "../../src/wire/index.ts";
import type { OperatorStep } from "./samples.ts";
import type { AdminCaller } from "./sampler.ts";
import type { OperatorPlan } from "./show.ts";

export async function operatorStep(admin: AdminCaller, plan: OperatorPlan): Promise<OperatorStep> {
  const at = Date.now();
  const actions: string[] = [];
  try {
    const { version, ...current } = ((await admin.call("GET", "/timeline")) as { timeline: Timeline }).timeline;
    const phase = current.phases.find((p) => p.id === plan.movePhaseId);
    if (!phase) throw new Error(`no phase ${plan.movePhaseId} to move`);
    const moved = (await admin.call("PATCH", `/timeline/phases/${phase.id}`, {
      expectedVersion: version,
      phase: { startsAt: phase.startsAt + plan.moveByMs, endsAt: phase.endsAt + plan.moveByMs },
    })) as TimelineEditResponse;
    actions.push(
      `"${phase.title}" moved ${Math.abs(plan.moveByMs / 1000)} s ${plan.moveByMs < 0 ? "earlier" : "later"} (${plan.moveByShowMinutes} show minutes)`,
    );
    const { version: movedVersion, ...order } = moved.timeline;
    await admin.call("PUT", "/timeline", { expectedVersion: movedVersion, timeline: { ...order, phases: [...order.phases, plan.encore] } });
    actions.push(`"${plan.encore.title}" added`);
    for (const pool of plan.encorePools) {
      const created = (await admin.call("POST", "/pools", pool)) as CreatePoolResponse;
      actions.push(`pool ${created.pool.sponsorId} ${pool.count} envelopes / ¥${(pool.budgetCents / 100).toFixed(2)} loaded`);
    }
    return { at, actions, error: null };
  } catch (err) {
    return { at, actions, error: err instanceof Error ? err.message : String(err) };
  }
}
