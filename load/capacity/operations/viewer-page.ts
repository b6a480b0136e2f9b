/**
 * What the viewer page asks for apart from its shakes (static-assets/js/app.js,
 * live-timeline.js): one Worker request for the timeline and one for the sign-in options per
 * page opening, a session per phone, the shell and resources from static assets, and the
 * published timeline every LIVE_POLL_MS or so from Cloudflare's cache, which reads the R2
 * bucket once per location per max-age (docs/capacity.md, "How the timeline reaches phones").
 */
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, BYTES, gbMonths, type Operation } from "./footprint.ts";

export function viewerPageOperations(s: ShowInputs, d: DeploymentInputs, f: ShowFigures): Operation[] {
  // The page reads every pollMs − 1 s to pollMs (clock.js probeDelayMs): on average pollMs − 0.5 s.
  const liveReads = f.pageSeconds / ((d.livePollMs - 500) / 1_000);
  const worker = { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.getTime };
  return [
    // src/routes/public.ts: the edge's cached timeline, its public view with the server's time.
    { name: "page opened: timeline", count: f.pageOpens, per: worker, serves: ["get /api/timeline"] },
    // static-assets/js/views/account-view.js: how to sign in here.
    { name: "page opened: sign-in options", count: f.pageOpens, per: worker, serves: ["get /api/identity"] },
    // src/routes/session.ts: one per phone (the page keeps it); a signed-in name goes to D1 (display_names).
    {
      name: "session",
      count: s.viewers,
      per: { ...worker, d1RowsRead: 1, d1RowsWritten: 2 },
      serves: ["post /api/session"],
    },
    // src/auth/id-token-replay.ts: a sign-in's ID token is remembered in a UsedIdTokens object
    // until it expires, and that object's alarm forgets it; priced as if every phone signed in.
    { name: "ID token remembered (UsedIdTokens)", count: s.viewers, per: { doRequests: 1, doRowsWritten: 1 } },
    { name: "ID token forgotten at expiry", count: s.viewers, per: { doRequests: 1, doRowsWritten: 1 }, serves: ["alarm UsedIdTokens"] },
    { name: "static asset", count: s.viewers * s.assetRequestsPerViewer, per: { staticAssetRequests: 1 } },
    d.liveReads === "cache"
      ? { name: "published timeline read (Cloudflare's cache)", count: liveReads, per: { cacheRequests: 1 } }
      : { name: "published timeline read (through the Worker)", count: liveReads, per: worker },
    // Each location's cache asks the bucket again once its copy is max-age old, while phones ask.
    {
      name: "published timeline read from R2 (cache miss)",
      count: d.liveReads === "cache" ? Math.min(liveReads, (d.colos * f.showSeconds) / d.liveMaxAgeS) : 0,
      per: { r2ClassB: 1 },
    },
    // src/show/publish.ts: one PutObject per version; one object, kept through the deployment.
    { name: "timeline version published to R2", standing: true, count: s.timelineVersions, per: { r2ClassA: 1 } },
    {
      name: "published timeline stored in R2",
      standing: true,
      count: 1,
      per: { r2StoredGbMonths: gbMonths(BYTES.publishedTimeline, d.daysBefore + d.daysAfter) },
    },
    // The PWA no longer asks for the time; the operator console takes 3 samples when it opens.
    { name: "clock sample (operator console)", standing: true, count: s.operatorConsoles * 3, per: worker, serves: ["get /api/time"] },
  ];
}
