/**
 * The admin log's two ends: `recordAdminChanges` writes every successful operator change
 * under /api/admin (any method but GET) to the Timeline object's append-only log, with the
 * operator requireAdmin named; `GET /api/admin/log?limit=` reads it, newest first.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { requireAdmin, type AdminVars } from "../auth/admin-identity";
import { badRequest } from "../errors";
import { timelineStub } from "../objects";
import type { AdminLogResponse } from "../wire/index";

const DETAIL_CHARS = 300;
const DEFAULT_ENTRIES = 100;
const MAX_ENTRIES = 1000;

export const recordAdminChanges = createMiddleware<{ Bindings: Env; Variables: AdminVars }>(async (c, next) => {
  await next();
  const who = c.get("operator");
  if (c.req.method === "GET" || !who || c.res.status >= 400) return;
  const detail = (await c.req.text().catch(() => "")).slice(0, DETAIL_CHARS);
  const change = { at: Date.now(), who, action: `${c.req.method} ${c.req.path}`, detail, status: c.res.status };
  try {
    await timelineStub(c.env).logAdminChange(change);
  } catch (err) {
    console.error("admin log write failed", JSON.stringify(change), String(err));
  }
});

export const adminLogRoutes = new Hono<{ Bindings: Env; Variables: AdminVars }>().use(requireAdmin).get("/", async (c) => {
  const raw = c.req.query("limit");
  const limit = raw === undefined ? DEFAULT_ENTRIES : Number(raw);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ENTRIES) throw badRequest(`limit must be 1-${MAX_ENTRIES}`);
  return c.json({ entries: await timelineStub(c.env).adminLog(limit) } satisfies AdminLogResponse);
});
