/**
 * One `admin` log line per change made through the admin API (every non-GET request under
 * /api/admin), with the route's ids, the answer's status and, for timeline edits, the new
 * version. Reads stay unlogged. This is the operational trace in Workers Logs, not the
 * operators' audit log.
 */
import { createMiddleware } from "hono/factory";
import { logLine } from "./log";

export const adminChangeLog = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  await next();
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.res.status === 401) return;
  const path = c.req.path;
  const version =
    c.res.ok && c.res.headers.get("Content-Type")?.startsWith("application/json") ? await timelineVersion(c.res.clone()) : null;
  logLine("admin", "admin_change", {
    method: c.req.method,
    path,
    status: c.res.status,
    phaseId: path.match(/\/phases\/([^/]+)/)?.[1],
    poolId: path.match(/\/pools\/([^/]+)/)?.[1],
    timelineVersion: version,
  });
});

async function timelineVersion(res: Response): Promise<number | null> {
  const body = (await res.json().catch(() => null)) as { timeline?: { version?: unknown } } | null;
  return typeof body?.timeline?.version === "number" ? body.timeline.version : null;
}
