/**
 * Page side of the resource packages: registers the service worker, asks it to (re)sync the
 * packages, reports its progress, and maps asset ids to their versioned URLs in the viewer's
 * language (served from Cache Storage by the service worker; every language is downloaded,
 * so the language switch works offline).
 */

/** @typedef {import("../../src/wire/index").ResourceManifest} ResourceManifest */
/** @typedef {import("../../src/wire/index").ResourceProgress} ResourceProgress */

const RETRY_MS = 30_000;

/**
 * Registers the worker and keeps asking it to sync until the packages are complete.
 * @param {(progress: ResourceProgress) => void} onProgress
 */
export async function startPreDownload(onProgress) {
  if (!("serviceWorker" in navigator)) return;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;
  navigator.serviceWorker.addEventListener("message", (event) => {
    /** @type {ResourceProgress} */
    const progress = event.data;
    if (progress?.type !== "resources") return;
    onProgress(progress);
    clearTimeout(retry);
    if (progress.state === "interrupted") retry = setTimeout(requestSync, RETRY_MS);
  });
  await navigator.serviceWorker.register("/sw.js");
  const requestSync = async () => (await navigator.serviceWorker.ready).active?.postMessage({ type: "sync-resources" });
  window.addEventListener("online", requestSync);
  await requestSync();
}

/**
 * Asset id → URL for the viewer's language, from the manifest (the service worker answers it
 * from cache when offline): a file for that language wins over a file for every language.
 * @param {string} lang
 */
export async function loadAssetUrls(lang) {
  /** @type {Map<string, string>} */
  const urls = new Map();
  try {
    const response = await fetch("/resources/manifest.json");
    /** @type {ResourceManifest} */
    const manifest = await response.json();
    const files = manifest.packages.flatMap((pkg) => pkg.files);
    for (const file of files) if (file.lang === undefined) urls.set(file.assetId, file.url);
    for (const file of files) if (file.lang === lang) urls.set(file.assetId, file.url);
  } catch {
    // Without the manifest the views fall back to text only.
  }
  return urls;
}
