/** Where things are on the phone's screen, as the viewer sees them. */
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** Wholly inside the viewport: seen and tapped without scrolling. */
export async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const view = page.viewportSize();
  if (!box || !view) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height;
}

/**
 * The header's controls (and the signed-in line) share one top, one height and one shape;
 * the language switch in the corner has that shape too and covers neither the title nor them.
 */
export async function expectHeaderAligned(page: Page) {
  const chips = await page.locator("nav .chip").evaluateAll((els) =>
    els.map((el) => {
      const box = el.getBoundingClientRect();
      return {
        text: el.textContent,
        top: Math.round(box.top),
        height: Math.round(box.height),
        radius: getComputedStyle(el).borderTopLeftRadius,
      };
    }),
  );
  expect(chips.length, JSON.stringify(chips)).toBeGreaterThanOrEqual(2);
  for (const chip of chips) expect({ ...chip, text: chips[0].text }, chip.text ?? "").toEqual({ ...chips[0] });
  const overlaps = await page.evaluate(() => {
    const corner = document.getElementById("language")!.getBoundingClientRect();
    const apart = (b: DOMRect) => corner.right <= b.left || b.right <= corner.left || corner.bottom <= b.top || b.bottom <= corner.top;
    const title = document.createRange();
    title.selectNodeContents(document.querySelector("header h1")!);
    const boxes = [{ text: "title", box: title.getBoundingClientRect() }];
    for (const chip of Array.from(document.querySelectorAll("nav .chip")))
      boxes.push({ text: chip.textContent ?? "", box: chip.getBoundingClientRect() });
    return boxes.filter((b) => !apart(b.box)).map((b) => b.text);
  });
  expect(overlaps).toEqual([]);
  expect(await page.locator("#language").evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe(chips[0].radius);
}
