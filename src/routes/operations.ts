/**
 * Running the night: `GET /api/openapi.json` (public: the API's contract) and
 * `GET /api/admin/alerts` (admin: what needs an operator now, for the console's panel).
 */
import { Hono } from "hono";
import { requireAdmin } from "../auth/admin-identity";
import { openApiDocument } from "../contract/openapi";
import { currentAlerts } from "../show/alerting";

export const openApiRoutes = new Hono<{ Bindings: Env }>().get("/openapi.json", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(openApiDocument(new URL(c.req.url).origin));
});

export const alertRoutes = new Hono<{ Bindings: Env }>().use(requireAdmin).get("/alerts", async (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(await currentAlerts(c.env, Date.now()));
});
