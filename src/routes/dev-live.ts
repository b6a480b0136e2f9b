/**
 * DEVELOPMENT ONLY: `GET /api/dev-live/timeline.json` stands in for the public R2 bucket
 * behind Cloudflare's cache that serves the published timeline in production
 * (LIVE_TIMELINE_URL, src/show/publish.ts). It reads the same object from the same `LIVE`
 * binding (wrangler dev keeps the bucket on disk) and keeps it in this location's cache for
 * the object's own max-age, as the CDN would, stamping `Date` when it answers as the CDN
 * does, so a page polling it locally sees what a phone sees. 404 in production, where
 * no Worker serves the timeline to phones.
 */
import { Hono } from "hono";
import { DEV_LIVE_URL, devLiveEnabled } from "../config";
import { notFound } from "../errors";
import { LIVE_KEY } from "../show/publish";

export const DEV_LIVE_PATH = DEV_LIVE_URL.slice(0, DEV_LIVE_URL.lastIndexOf("/"));

async function fromBucket(env: Env): Promise<Response | null> {
  const object = await env.LIVE.get(LIVE_KEY);
  if (!object) return null;
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  return new Response(object.body, { headers });
}

export const devLiveRoutes = new Hono<{ Bindings: Env }>().get(`/${LIVE_KEY}`, async (c) => {
  if (!devLiveEnabled(c.env)) throw notFound("the published timeline is served by its public bucket here");
  const cache = caches.default;
  let copy = await cache.match(c.req.url);
  if (!copy) {
    const fresh = await fromBucket(c.env);
    if (!fresh) throw notFound("no timeline has been published yet");
    await cache.put(c.req.url, fresh.clone());
    copy = fresh;
  }
  const headers = new Headers(copy.headers);
  headers.set("Date", new Date().toUTCString());
  return new Response(copy.body, { headers });
});
