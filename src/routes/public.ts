/** Public reads: the server clock, the viewer's view of the timeline, how to sign in, who the console's operator is. */
import { Hono } from "hono";
import { currentTimeline } from "../edge/timeline-cache";
import { anonymousSessions } from "../config";
import { whoAmI } from "../auth/admin-identity";
import type { IdentityInfo, PublicTimeline, Sponsor, TimeResponse, Timeline } from "../wire/index";

export function publicView(timeline: Timeline, now: number): PublicTimeline {
  const sponsors = new Map<string, Sponsor>(timeline.sponsors.map((s) => [s.id, s]));
  return {
    galaId: timeline.galaId,
    version: timeline.version,
    serverTime: now,
    phases: [...timeline.phases]
      .sort((a, b) => a.startsAt - b.startsAt)
      .map((p) => ({
        id: p.id,
        title: p.title,
        ...(p.titles ? { titles: p.titles } : {}),
        kind: p.kind,
        startsAt: p.startsAt,
        endsAt: p.endsAt,
        greetingAssetId: p.greetingAssetId,
        sponsors: p.sponsorIds.flatMap((id) => sponsors.get(id) ?? []),
      })),
  };
}

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
    c.header("Cache-Control", "public, max-age=2");
    return c.json(publicView(timeline, Date.now()));
  });
