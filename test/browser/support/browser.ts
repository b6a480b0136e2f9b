/**
 * Headless Chromium with a fresh profile per test, and admin calls to the running worker.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import type { CreatePoolRequest, CreatePoolResponse, Phase, Timeline } from "../../../src/wire/index";
import { ADMIN_SECRET } from "./paths";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const baseUrl = () => inject("baseUrl");

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
}

/** A fresh browser profile. */
export async function openBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "gala-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    baseURL: baseUrl(),
    viewport: options.viewport ?? { width: 420, height: 860 },
    locale: options.locale ?? "en-US",
    hasTouch: options.hasTouch ?? false,
    serviceWorkers: options.serviceWorkers ?? "allow",
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function adminCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl()}/api/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_SECRET}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const SPONSORS = [
  { id: "aurora", name: "Aurora Phones", names: { "zh-CN": "极光手机" }, assetId: "sponsor-aurora" },
  { id: "jade", name: "Jade Tea House", names: { "zh-CN": "翡翠茶馆" }, assetId: "sponsor-jade" },
];

/** Replaces the show with these phases (all sponsors known) and returns the stored timeline. */
export async function putShow(phases: Phase[]): Promise<Timeline> {
  const { timeline } = await adminCall<{ timeline: Timeline | null }>("GET", "/timeline");
  const written = await adminCall<{ timeline: Timeline }>("PUT", "/timeline", {
    expectedVersion: timeline?.version ?? 0,
    timeline: { galaId: `browser-gala-${crypto.randomUUID().slice(0, 8)}`, sponsors: SPONSORS, phases },
  });
  return written.timeline;
}

export function createPool(request: CreatePoolRequest): Promise<CreatePoolResponse> {
  return adminCall<CreatePoolResponse>("POST", "/pools", request);
}

export function lotteryPhase(id: string, startsAt: number, endsAt: number, candidateRate = 1): Phase {
  return {
    id,
    title: `Lottery ${id}`,
    titles: { "zh-CN": `抽奖 ${id}` },
    kind: "lottery",
    startsAt,
    endsAt,
    sponsorIds: ["aurora"],
    greetingAssetId: "greeting-opening",
    candidateRate,
  };
}

/** A viewer outside the browser: a fresh anonymous session and calls made with it. */
export async function apiViewer() {
  const session = (await (
    await fetch(`${baseUrl()}/api/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
  ).json()) as { token: string; userId: string };
  return {
    userId: session.userId,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
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
