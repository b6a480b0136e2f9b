/**
 * `GET /api/admin/estimate?viewers=`: the console's capacity plan and estimated bill for the
 * stored show: its timeline and pools, the audience the operator expects (`viewers`, else the
 * timeline's `audience`), and this Worker's own settings, priced by the model
 * `npm run capacity` runs (load/capacity/estimate.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../auth/admin-identity";
import { badRequest, notFound } from "../errors";
import { timelineStub } from "../objects";
import { audienceCount } from "../schemas";
import { estimate } from "../../load/capacity/estimate";

/** Phones the operator expects: a whole number from 1 to 10 billion. */
export const viewersQuery = z.coerce.number().pipe(audienceCount).optional();

export const estimateRoutes = new Hono<{ Bindings: Env }>().use(requireAdmin).get("/estimate", async (c) => {
  const viewers = viewersQuery.safeParse(c.req.query("viewers"));
  if (!viewers.success) throw badRequest("viewers: must be a whole number of phones from 1 to 10 billion");
  const stub = timelineStub(c.env);
  const [timeline, pools] = await Promise.all([stub.read(), stub.pools()]);
  if (!timeline) throw notFound("there is no timeline yet");
  const audience = viewers.data ?? timeline.audience;
  if (audience === undefined) throw badRequest("viewers: give the audience in phones, or set the timeline's audience");
  return c.json(
    estimate(
      timeline,
      pools.map((p) => p.record),
      audience,
      c.env,
    ),
  );
});
