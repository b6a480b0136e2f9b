/**
 * The timeline published for phones: every version the timeline object stores is written to
 * the LIVE bucket (R2, real in workerd) as the public view with its cache headers, newest
 * last; `GET /api/timeline` tells the page where to read it; the development route stands in
 * for the public bucket and Cloudflare's cache (it keeps a copy for the object's max-age and
 * stamps `Date` as it answers) and is absent in production.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Timeline } from "../../durable-objects/timeline";
import { liveMaxAgeS } from "../../src/config";
import { LIVE_KEY } from "../../src/show/publish";
import type { PublicTimeline } from "../../src/wire/index";
import { timelineStub } from "../../src/objects";
import { call, putShow } from "../support/api";
import { callWith } from "../support/deployed";
import { phase } from "../support/phases";
import { sleep } from "../support/wait";

const MIN = 60_000;

async function published(): Promise<{ view: PublicTimeline; cacheControl: string | undefined; contentType: string | undefined } | null> {
  const object = await env.LIVE.get(LIVE_KEY);
  if (!object) return null;
  return {
    view: await object.json<PublicTimeline>(),
    cacheControl: object.httpMetadata?.cacheControl,
    contentType: object.httpMetadata?.contentType,
  };
}

/**
 * Waits until the bucket holds `version` (or later). An edit publishes as it is written (no
 * cron or poll in between), so the bound is seconds: 2 s was passed at a load average of 12
 * with the whole npm test beside it, 5 s still fails a publication left to the minute's cron.
 */
async function publishedWithin(version: number, maxMs = 5_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    if (((await published())?.view.version ?? 0) >= version) return;
    await sleep(20);
  }
  throw new Error(`version ${version} was not published within ${maxMs} ms`);
}

describe("the published timeline", () => {
  it("holds every version's public view with its cache headers, newest last", async () => {
    const now = Date.now();
    const written = await putShow([phase("lp-a", "greeting", now + MIN, now + 2 * MIN)], "live-publish");
    await publishedWithin(written.version);
    const first = (await published())!;
    expect(first.contentType).toBe("application/json");
    expect(first.cacheControl).toBe(`public, max-age=${liveMaxAgeS(env)}`);
    expect(first.view).toMatchObject({
      galaId: "live-publish",
      version: written.version,
      phases: [{ id: "lp-a", title: "Greeting lp-a", kind: "greeting", startsAt: now + MIN, endsAt: now + 2 * MIN }],
      live: { url: env.LIVE_TIMELINE_URL, pollMs: Number(env.LIVE_POLL_MS) },
    });

    // Edits in quick succession: whatever order the writes' publications finish in, the
    // bucket ends with the last version.
    const stub = timelineStub(env);
    let last = written.version;
    for (const title of ["one", "two", "three", "four"]) {
      const edit = await stub.edit({ kind: "patch", phaseId: "lp-a", patch: { title } }, null);
      if (!edit.ok) throw new Error("edit refused");
      last = edit.timeline.version;
    }
    await publishedWithin(last);
    await sleep(200);
    const final = (await published())!.view;
    expect(final.version).toBe(last);
    expect(final.phases[0].title).toBe("four");
  });

  it("is where GET /api/timeline sends the page, and that answer is never cached", async () => {
    const now = Date.now();
    await putShow([phase("ls-a", "greeting", now + MIN, now + 2 * MIN)], "live-source");
    const res = await call("/api/timeline");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const view = (await res.json()) as PublicTimeline;
    expect(view.live).toEqual({ url: "/api/dev-live/timeline.json", pollMs: Number(env.LIVE_POLL_MS) });
  });

  it("is served locally like the CDN serves it: a copy kept for its max-age, dated when answered", async () => {
    const now = Date.now();
    let current = (await putShow([phase("ld-a", "greeting", now + MIN, now + 2 * MIN)], "live-dev")).version;
    await publishedWithin(current);
    const maxAgeMs = liveMaxAgeS(env) * 1_000;
    const read = async () => {
      const res = await call("/api/dev-live/timeline.json");
      expect(res.status).toBe(200);
      return { date: Date.parse(res.headers.get("Date") ?? ""), view: (await res.json()) as PublicTimeline };
    };
    // A copy is kept for max-age from the read that stored it, so the read that must still get it
    // has to start within max-age of that read, after an edit and its publication: on a machine
    // too busy for all that in 2 s, the round is made again (a late read rightly gets the new version).
    let kept: { expiresBy: number; version: number } | null = null;
    for (let round = 0; round < 3 && !kept; round++) {
      // Start on a fresh cache entry: the route may hold an earlier copy for max-age.
      await sleep(maxAgeMs + 100);
      const storedAt = Date.now();
      expect((await read()).view.version).toBe(current);
      const storedBy = Date.now();
      const edit = await timelineStub(env).edit({ kind: "patch", phaseId: "ld-a", patch: { title: `renamed ${round}` } }, null);
      if (!edit.ok) throw new Error("edit refused");
      await publishedWithin(edit.timeline.version);
      const readAt = Date.now();
      const cached = await read();
      if (readAt - storedAt < maxAgeMs) {
        expect(cached.view.version).toBe(current);
        expect(Math.abs(cached.date - Date.now())).toBeLessThan(1_500);
        kept = { expiresBy: storedBy + maxAgeMs, version: edit.timeline.version };
      }
      current = edit.timeline.version;
    }
    if (!kept) throw new Error("no round read the kept copy within max-age");
    // Every read that starts once the copy's max-age is over gets the new version.
    for (;;) {
      const readAt = Date.now();
      const latest = await read();
      if (readAt > kept.expiresBy + 50) expect(latest.view.version).toBe(kept.version);
      if (latest.view.version === kept.version) break;
      await sleep(100);
    }
  });

  it("has no development route in production", async () => {
    const production = {
      ...env,
      ...(JSON.parse((env as unknown as { PRODUCTION_VARS: string }).PRODUCTION_VARS) as Record<string, string>),
    };
    expect(production.LIVE_TIMELINE_URL).toMatch(/^https:\/\//);
    expect((await callWith(production, "/api/dev-live/timeline.json", {})).status).toBe(404);
  });
});

describe("a publication that fails", () => {
  it("is retried by the show clock until the version is out", async () => {
    const now = Date.now();
    await putShow([phase("lr-a", "greeting", now + MIN, now + 2 * MIN)], "live-retry");
    let failures = 0;
    await runInDurableObject(timelineStub(env), (instance: Timeline) => {
      const real = (instance as unknown as { env: Env }).env;
      const failingFirst = {
        ...real,
        LIVE: {
          put: (...args: Parameters<R2Bucket["put"]>) => (++failures <= 2 ? Promise.reject(new Error("R2 down")) : real.LIVE.put(...args)),
        },
      };
      Object.defineProperty(instance, "env", { value: failingFirst, configurable: true });
    });
    try {
      const edit = await timelineStub(env).edit({ kind: "patch", phaseId: "lr-a", patch: { title: "after the outage" } }, null);
      if (!edit.ok) throw new Error("edit refused");
      await publishedWithin(edit.timeline.version, 8_000);
      expect(failures).toBeGreaterThanOrEqual(3);
      expect((await published())!.view.phases[0].title).toBe("after the outage");
    } finally {
      await runInDurableObject(timelineStub(env), (instance: Timeline) => void delete (instance as unknown as { env?: Env }).env);
    }
  });
});
