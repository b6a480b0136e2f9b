/** Admin API (bearer admin secret): timeline, pools and the merge audit. */
import { Hono } from "hono";
import { requireAdmin } from "../auth/admin-identity";
import { badRequest } from "../errors";
import { timelineStub } from "../objects";
import { auditAll } from "../money/full-audit";
import { readSponsorStatement } from "../money/sponsor-statement";
import { statementCsv } from "../domain/sponsor-statement";
import { createPool, reloadPool } from "../show/pools";
import { createPoolRequest, parseBody, timelineBody } from "../schemas";
import { currentTimeline } from "../edge/timeline-cache";
import { timelineWarnings } from "../domain/timeline-edit";
import type { StoredTimeline } from "../wire/index";
import { z } from "zod";
import { applyTimelineEdit } from "./live-show";

export const timelineWrite = z.object({ expectedVersion: z.number().int().min(0), timeline: timelineBody }).strict();

/** Pending longer than this (default 5 minutes) is named as stuck by the audit. */
export const stuckAfterMs = z.coerce
  .number()
  .int()
  .min(0)
  .max(7 * 86_400_000)
  .default(300_000);

/** A sponsor statement's form: JSON (the default) or CSV for a spreadsheet. */
export const statementFormat = z.enum(["json", "csv"]).default("json");

export const adminRoutes = new Hono<{ Bindings: Env }>()
  .use(requireAdmin)
  .get("/timeline", async (c) => {
    const stub = timelineStub(c.env);
    const [timeline, pools] = await Promise.all([stub.read(), stub.pools()]);
    const warnings = timeline
      ? timelineWarnings(
          timeline,
          pools.map((p) => p.record),
          Date.now(),
        )
      : [];
    return c.json({ timeline, warnings } satisfies StoredTimeline);
  })
  .put("/timeline", async (c) => {
    const { expectedVersion, timeline } = await parseBody(c, timelineWrite);
    return c.json(await applyTimelineEdit(c.env, { kind: "replace", timeline }, expectedVersion));
  })
  .post("/pools", async (c) => {
    const request = await parseBody(c, createPoolRequest);
    const timeline = await currentTimeline(c.env, c.executionCtx);
    return c.json(await createPool(c.env, timelineStub(c.env), request, timeline), 201);
  })
  .get("/pools", async (c) => {
    const pools = await timelineStub(c.env).pools();
    return c.json({ pools: pools.map((p) => p.record) });
  })
  .post("/pools/:poolId/load", async (c) => c.json({ shards: await reloadPool(c.env, c.req.param("poolId")) }))
  .get("/sponsors/:sponsorId/statement", async (c) => {
    const format = statementFormat.safeParse(c.req.query("format"));
    if (!format.success) throw badRequest('format: "json" (the default) or "csv"');
    const statement = await readSponsorStatement(c.env, c.req.param("sponsorId"));
    c.header("Cache-Control", "no-store");
    if (format.data === "json") return c.json(statement);
    c.header("Content-Disposition", `attachment; filename="statement-${statement.sponsorId}-${statement.readAt}.csv"`);
    return c.body(statementCsv(statement), 200, { "Content-Type": "text/csv; charset=utf-8" });
  })
  .get("/audit", async (c) => {
    const timeline = await currentTimeline(c.env, c.executionCtx);
    const threshold = stuckAfterMs.safeParse(c.req.query("stuckAfterMs"));
    if (!threshold.success) throw badRequest("stuckAfterMs: must be a whole number of milliseconds up to 7 days");
    return c.json(await auditAll(c.env, timeline, threshold.data));
  });
