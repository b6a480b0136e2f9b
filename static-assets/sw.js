// @ts-check
/// <reference lib="webworker" />
/**
 * Gala Shake service worker.
 * - Shell: the viewer's files are cached at install (one cache per SHELL_VERSION) and served
 *   cache-first, so the page opens offline; only `/api/*` goes to the network.
 * - Resource packages: `syncResources` downloads every file listed in
 *   /resources/manifest.json into one cache per package version, one file at a time, and
 *   posts progress to the pages. Files already cached are skipped, so an interrupted download
 *   resumes where it stopped; once a new version is complete the old caches are deleted.
 *   Each pass also makes sure there is a copy of the public timeline.
 * - Timeline: `/api/timeline` is network-first with the last good copy offline (marked
 *   CACHED_COPY_HEADER: its serverTime is old, not a clock reading); pages hand in each newer
 *   version they read from the published copy, so an offline reload shows the latest.
 */

/** @typedef {import("../src/wire/index").ResourceManifest} ResourceManifest */
/** @typedef {import("../src/wire/index").ResourcePackage} ResourcePackage */
/** @typedef {import("../src/wire/index").ResourceProgress} ResourceProgress */
/** @typedef {import("../src/wire/index").PublicTimeline} PublicTimeline */
/** @typedef {import("../src/wire/index").CachedCopyHeader} CachedCopyHeader */

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const SHELL_VERSION = 6;
const SHELL_CACHE = `gs-shell-v${SHELL_VERSION}`;
const PACKAGE_CACHE_PREFIX = "gs-pkg-";
const DATA_CACHE = "gs-data";
const MANIFEST_URL = "/resources/manifest.json";
const TIMELINE_URL = "/api/timeline";
/** @type {CachedCopyHeader} */
const CACHED_COPY_HEADER = "X-Gala-Cached-Copy";
const SHELL_FILES = [
  "/",
  "/app.css",
  "/manifest.webmanifest",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
  "/js/app.js",
  "/js/api.js",
  "/js/claim-presenter.js",
  "/js/clock.js",
  "/js/countdown.js",
  "/js/dom.js",
  "/js/group-state.js",
  "/js/held-claims.js",
  "/js/i18n.js",
  "/js/live-timeline.js",
  "/js/money.js",
  "/js/network-status.js",
  "/js/pacing.js",
  "/js/resources.js",
  "/js/shake-detect.js",
  "/js/shaker.js",
  "/js/sign-in.js",
  "/js/strings/en.js",
  "/js/strings/zh-cn.js",
  "/js/turnstile.js",
  "/js/views/account-view.js",
  "/js/views/group-view.js",
  "/js/views/result-view.js",
  "/js/views/share-panel.js",
  "/js/views/wallet-view.js",
  "/js/views/win-view.js",
];

/** @param {ResourcePackage} pkg */
const packageCacheName = (pkg) => `${PACKAGE_CACHE_PREFIX}${pkg.id}-v${pkg.version}`;

sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith("gs-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)));
      await sw.clients.claim();
      await syncResources();
    })(),
  );
});

sw.addEventListener("message", (event) => {
  if (event.data?.type === "sync-resources") event.waitUntil(syncResources());
  if (event.data?.type === "timeline") event.waitUntil(keepTimeline(event.data.timeline));
});

/** A newer version a page read from the published copy, kept as the offline copy. */
/** @param {PublicTimeline} timeline */
async function keepTimeline(timeline) {
  const response = new Response(JSON.stringify(timeline), { headers: { "Content-Type": "application/json" } });
  await (await caches.open(DATA_CACHE)).put(new URL(TIMELINE_URL, sw.location.origin).href, response);
}

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== sw.location.origin) return;
  if (url.pathname === TIMELINE_URL || url.pathname === MANIFEST_URL) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/admin")) {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(cacheFirst(new Request("/")));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

/** @param {Request} request */
async function cacheFirst(request) {
  return (await caches.match(request)) ?? fetch(request);
}

/** Fresh copy when the network answers, the last good one when it does not. */
/** @param {Request} request */
async function networkFirst(request) {
  try {
    const response = await fetch(request, { cache: "no-store" });
    if (response.ok) await (await caches.open(DATA_CACHE)).put(request.url, response.clone());
    return response;
  } catch (err) {
    const cached = await caches.match(request.url, { cacheName: DATA_CACHE });
    if (!cached) throw err;
    const headers = new Headers(cached.headers);
    headers.set(CACHED_COPY_HEADER, "1");
    return new Response(cached.body, { status: cached.status, headers });
  }
}

/** @type {Promise<void> | null} */
let syncing = null;

/** Runs one download pass at a time; concurrent callers share it. */
function syncResources() {
  syncing ??= downloadPackages().finally(() => {
    syncing = null;
  });
  return syncing;
}

/** @returns {Promise<ResourceManifest | null>} */
async function readManifest() {
  try {
    const response = await networkFirst(new Request(MANIFEST_URL));
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

async function downloadPackages() {
  // A copy of the running order too, so an offline page can still count down (pages keep it current).
  if (!(await caches.match(new URL(TIMELINE_URL, sw.location.origin).href, { cacheName: DATA_CACHE }))) {
    await networkFirst(new Request(TIMELINE_URL)).catch(() => null);
  }
  const manifest = await readManifest();
  if (!manifest) return broadcast({ state: "interrupted", doneBytes: 0, totalBytes: 0, doneFiles: 0, totalFiles: 0 });
  const files = manifest.packages.flatMap((pkg) => pkg.files.map((file) => ({ pkg, file })));
  const progress = {
    doneBytes: 0,
    totalBytes: files.reduce((sum, { file }) => sum + file.bytes, 0),
    doneFiles: 0,
    totalFiles: files.length,
  };
  try {
    for (const { pkg, file } of files) {
      const cache = await caches.open(packageCacheName(pkg));
      if (!(await cache.match(file.url))) {
        const response = await fetch(file.url, { cache: "no-cache" });
        if (!response.ok) throw new Error(`${file.url}: ${response.status}`);
        await cache.put(file.url, response);
      }
      progress.doneBytes += file.bytes;
      progress.doneFiles += 1;
      await broadcast({ state: "downloading", ...progress });
    }
  } catch {
    return broadcast({ state: "interrupted", ...progress });
  }
  const current = new Set(manifest.packages.map(packageCacheName));
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PACKAGE_CACHE_PREFIX) && !current.has(n)).map((n) => caches.delete(n)));
  await broadcast({ state: "complete", ...progress });
}

/** @param {Omit<ResourceProgress, "type">} progress */
async function broadcast(progress) {
  /** @type {ResourceProgress} */
  const message = { type: "resources", ...progress };
  for (const client of await sw.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}
