/**
 * Headless Chromium with a fresh browser context per test (its own storage, cookies, service
 * workers), and calls to the running worker's API. One Chromium serves the whole run (started
 * by global-setup.ts): a context costs a fifth of a browser with a fresh profile (2 s against
 * 11 s at load 15, where 28 launches took minutes of the suite); only the install test needs a
 * profile on disk.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser as Chromium, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import type { Phase } from "../../../src/wire/index";
import { apiClient } from "../../support/api-client";
import { phase, SPONSORS } from "../../support/phases";
import { ADMIN_SECRET, CHROMIUM, CHROMIUM_FLAGS } from "./paths";

/** This vitest worker's own server (global-setup.ts starts one per worker). */
export const baseUrl = () => {
  const urls = inject("baseUrls");
  return urls[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % urls.length];
};

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** "block" for tests that intercept API calls. */
  serviceWorkers?: "allow" | "block";
  /** The phone's screen (420×860 unless said). */
  viewport?: { width: number; height: number };
  /** The phone's language (`navigator.languages`): English unless said. */
  locale?: string;
  /** A touch screen, for taps. */
  hasTouch?: boolean;
  /** A Chromium of its own with a profile on disk: what Chromium installs apps from (a context is incognito to it). */
  profile?: boolean;
}

let shared: Promise<Chromium> | null = null;

/** A fresh browser context of the run's Chromium: a new phone as far as the pages can tell. */
export async function openBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const settings = {
    baseURL: baseUrl(),
    viewport: options.viewport ?? { width: 420, height: 860 },
    locale: options.locale ?? "en-US",
    hasTouch: options.hasTouch ?? false,
    serviceWorkers: options.serviceWorkers ?? "allow",
    // The phone's answer to the page's motion permission request (the headless shell denies unless granted).
    permissions: ["accelerometer", "gyroscope"],
  };
  if (options.profile) {
    const profile = mkdtempSync(join(tmpdir(), "gala-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      ...settings,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  }
  const context = await (await (shared ??= chromium.connect(inject("chromiumEndpoint")))).newContext(settings);
  return { context, close: () => context.close() };
}

/** The worker's API on this vitest worker's server (global-setup.ts). */
export const { admin, audit, createPool, getTimeline, json, putShow, session } = apiClient(
  (path, init) => fetch(`${baseUrl()}${path}`, init),
  ADMIN_SECRET,
  baseUrl,
);

/** A lottery phase of the first sponsor whose greeting is one the resource packages hold. */
export function lotteryPhase(id: string, startsAt: number, endsAt: number, candidateRate = 1): Phase {
  return phase(id, "lottery", startsAt, endsAt, {
    titles: { "zh-CN": `抽奖 ${id}` },
    sponsorIds: [SPONSORS[0].id],
    greetingAssetId: "greeting-opening",
    candidateRate,
  });
}

/** A viewer outside the browser: a fresh anonymous session, and calls made with it (any 2xx answer, parsed). */
export async function apiViewer() {
  const { token, userId } = await session();
  return {
    userId,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await json(method, path, body, token);
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

/** Closes the full-screen win when it is open (as a viewer who opens it later), so the page behind takes clicks again. */
export async function dismissWin(page: Page): Promise<void> {
  if (await page.locator("#win").evaluate((d: HTMLDialogElement) => d.open)) await page.keyboard.press("Escape");
  await expect.poll(() => page.locator("#win").evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
}

/** "¥12.34" for integer cents, as the pages print it. */
export const yuan = (cents: number) =>
  `${cents < 0 ? "-" : ""}¥${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;
