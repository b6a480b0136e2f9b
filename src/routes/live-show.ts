/**
 * Live show control (bearer admin secret): edit one phase, remove it, start or stop it now,
 * run the show clock, and the console's merge verification and live statistics.
 * Every edit is applied atomically by the timeline object; a stale `expectedVersion` gets
 * 409 naming the current version, an invalid edit 400 naming the problem, and neither
 * changes anything.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../auth/admin-identity";
import { verificationReport } from "../domain/verify";
import { ApiError, badRequest, notFound } from "../errors";
import { timelineStub } from "../objects";
import { readShardBooks } from "../show/pools";
import { loadTimeline, readStats } from "../show/live-stats";
import { parseBody, phaseSchema } from "../schemas";
import { publishTimeline } from "../edge/timeline-cache";
import type { TickReport, TimelineEdit, TimelineEditResponse, VerificationReport } from "../wire/index";

const version = z.number().int().min(0);
export const patchBody = z.object({ expectedVersion: version, phase: phaseSchema.omit({ id: true }).partial().strict() }).strict();
export const versionBody = z.object({ expectedVersion: version }).strict();
export const overrideBody = z.object({ expectedVersion: version.optional() }).strict();

export async function applyTimelineEdit(env: Env, edit: TimelineEdit, expectedVersion: number | null): Promise<TimelineEditResponse> {
  const result = await timelineStub(env).edit(edit, expectedVersion);
  if (!result.ok && result.reason === "stale") {
    throw new ApiError(
      409,
      "stale_version",
      `timeline is at version ${result.current?.version ?? 0}, not ${expectedVersion}; re-read it and edit again`,
    );
  }
  if (!result.ok) throw badRequest(result.problem, "invalid_timeline");
  await publishTimeline(result.timeline);
  return { timeline: result.timeline, warnings: result.warnings };
}

export const liveShowRoutes = new Hono<{ Bindings: Env }>()
  .use(requireAdmin)
  .patch("/timeline/phases/:phaseId", async (c) => {
    const { expectedVersion, phase } = await parseBody(c, patchBody);
    return c.json(await applyTimelineEdit(c.env, { kind: "patch", phaseId: c.req.param("phaseId"), patch: phase }, expectedVersion));
  })
  .delete("/timeline/phases/:phaseId", async (c) => {
    const { expectedVersion } = await parseBody(c, versionBody);
    return c.json(await applyTimelineEdit(c.env, { kind: "remove", phaseId: c.req.param("phaseId") }, expectedVersion));
  })
  .post("/timeline/phases/:phaseId/start", async (c) => {
    const { expectedVersion } = await parseBody(c, overrideBody);
    return c.json(await applyTimelineEdit(c.env, { kind: "start", phaseId: c.req.param("phaseId") }, expectedVersion ?? null));
  })
  .post("/timeline/phases/:phaseId/stop", async (c) => {
    const { expectedVersion } = await parseBody(c, overrideBody);
    const edited = await applyTimelineEdit(c.env, { kind: "stop", phaseId: c.req.param("phaseId") }, expectedVersion ?? null);
    const tick: TickReport = await timelineStub(c.env).tick();
    return c.json({ ...edited, tick });
  })
  .post("/show-clock/tick", async (c) => c.json((await timelineStub(c.env).tick()) satisfies TickReport))
  .get("/verify", async (c) => {
    const timeline = await loadTimeline(c.env);
    const phaseId = c.req.query("phaseId") ?? null;
    if (phaseId !== null && !timeline.phases.some((p) => p.id === phaseId)) throw notFound(`unknown phase "${phaseId}"`);
    const { pools, books, moves } = await readShardBooks(c.env);
    return c.json(verificationReport(timeline.galaId, phaseId, pools, books, moves) satisfies VerificationReport);
  })
  .get("/stats", async (c) => c.json(await readStats(c.env, Date.now())));
