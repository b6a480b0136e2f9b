/**
 * The show clock: one run seeds the demo show in demo mode (demo-seed.ts), finishes
 * interrupted moves, closes lottery phases that ended (and retires a previous gala's phases
 * that still hold stock), takes back the envelopes of edge leases past their presentation
 * deadline, arms every shard with the phase windows (and reloads pools a shard is missing),
 * moves on stock the shards report back in closed pools after their leftover move landed
 * (stranded-stock.ts), and rebalances stock in live lottery phases. The timeline object runs it from its alarm
 * (set for the next phase end, so closes happen on time, not on the minute) and the worker's
 * minute cron pokes it as a backstop. The object queues runs one at a time; every step is
 * idempotent, so a run interrupted midway is finished by the next; a step that fails is
 * reported and retried on the next run.
 */
import { demoMode } from "../config";
import { demoWakeAt } from "../domain/demo-show";
import { armShards } from "./arming";
import { seedDemo } from "./demo-seed";
import { dueForClose, nextWake, phasesToReclose, retiredPhaseIds } from "../domain/show-clock";
import { isLive } from "../domain/phase";
import { executeMove } from "./move-runner";
import { closePhase, retirePhase, returnOverdueLeases } from "./phase-close";
import { rebalancePhase } from "./rebalance";
import { moveStrandedStock } from "./stranded-stock";
import type { ShowRegistry } from "./registry";
import type { EpochMs, TickReport } from "../wire/index";

async function attempt<T>(what: string, step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (err) {
    console.warn(`show clock: ${what} failed; retrying on the next run`, String(err));
    return null;
  }
}

export async function runShowClock(env: Env, registry: ShowRegistry, now: EpochMs): Promise<TickReport> {
  const demo = demoMode(env);
  if (demo) await attempt("seeding the demo show", () => seedDemo(env, registry, now));
  const movesCompleted: string[] = [];
  for (const move of registry.moves().filter((m) => m.state === "planned")) {
    if ((await attempt(`move ${move.moveId}`, () => executeMove(env, registry, move))) !== null) {
      movesCompleted.push(move.moveId);
    }
  }
  const phases = registry.document()?.phases ?? [];
  const closedPhases: string[] = [];
  for (const phase of dueForClose(phases, new Set(registry.closedPhaseIds()), now)) {
    const report = await attempt(`closing ${phase.id}`, () => closePhase(env, registry, phase, now));
    if (report) {
      closedPhases.push(phase.id);
      movesCompleted.push(...report.moves.map((m) => m.moveId));
    }
  }
  const leftovers = new Set(
    registry
      .moves()
      .filter((m) => m.kind === "leftover")
      .map((m) => m.fromPoolId),
  );
  const records = registry.pools().map((p) => p.record);
  for (const phaseId of phasesToReclose(records, leftovers, new Set(registry.closedPhaseIds()))) {
    const phase = phases.find((p) => p.id === phaseId);
    const close = () => (phase ? closePhase(env, registry, phase, now) : retirePhase(env, registry, phaseId, now));
    const report = await attempt(`closing ${phaseId} again (stock arrived after its close)`, close);
    if (report) {
      closedPhases.push(phaseId);
      movesCompleted.push(...report.moves.map((m) => m.moveId));
    }
  }
  const poolPhases = registry.pools().map((p) => p.record.phaseId);
  for (const phaseId of retiredPhaseIds(phases, poolPhases, new Set(registry.closedPhaseIds()))) {
    const report = await attempt(`retiring ${phaseId}`, () => retirePhase(env, registry, phaseId, now));
    if (report) movesCompleted.push(...report.moves.map((m) => m.moveId));
  }
  await attempt("returning overdue edge leases", () => returnOverdueLeases(env, now));
  const { stranded, ...armed } = await armShards(env, registry, now);
  movesCompleted.push(
    ...((await attempt("moving stock back in closed pools", () => moveStrandedStock(env, registry, stranded, now))) ?? []),
  );
  for (const phase of phases.filter((p) => p.kind === "lottery" && isLive(p, now))) {
    movesCompleted.push(...((await attempt(`rebalancing ${phase.id}`, () => rebalancePhase(env, registry, phase, now))) ?? []));
  }
  const closed = new Set(registry.closedPhaseIds());
  const movesPending = registry
    .moves()
    .filter((m) => m.state === "planned")
    .map((m) => m.moveId);
  const unfinished = movesPending.length > 0 || dueForClose(phases, closed, now).length > 0 || armed.armFailures > 0;
  const wakes = [nextWake(phases, closed, now, unfinished), demo ? demoWakeAt(registry.document(), now) : null].filter((at) => at !== null);
  return {
    at: now,
    ...armed,
    closedPhases,
    movesCompleted,
    movesPending,
    nextAlarmAt: wakes.length ? Math.min(...wakes) : null,
  };
}
