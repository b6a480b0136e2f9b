/** Public reads: the server clock, the viewer's view of the timeline, how to sign in, who the console's operator is. */
import { Hono } from "hono";
import { currentTimeline } from "../edge/timeline-cache";
import { anonymousSessions, liveTimelineSource } from "../config";
import { whoAmI } from "../auth/admin-identity";
import { publicView } from "../domain/public-timeline";
import type { IdentityInfo, TimeResponse } from "../wire/index";

export const publicRoutes = new Hono<{ Bindings: Env }>()
  .get("/time", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now() } satisfies TimeResponse);
  })
  .get("/operator", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await whoAmI(c));
  })
  .get("/identity", (c) => {
    const anonymous = anonymousSessions(c.env);
    const turnstileSiteKey = anonymous === "turnstile" ? c.env.TURNSTILE_SITE_KEY || null : null;
    return c.json({ signInUrl: c.env.SIGN_IN_URL || null, anonymousSessions: anonymous, turnstileSiteKey } satisfies IdentityInfo);
  })
  .get("/timeline", async (c) => {
    const timeline = await currentTimeline(c.env, c.executionCtx);
    // Its serverTime is a clock reading for the page (static-assets/js/clock.js): never a cached copy.
    c.header("Cache-Control", "no-store");
    return c.json(publicView(timeline, Date.now(), liveTimelineSource(c.env)));
  });
