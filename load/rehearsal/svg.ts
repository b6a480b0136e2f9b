/**
 * Line charts as inline SVG strings, for a report that needs no network and no script:
 * time on x (seconds from the show's start), phase windows as shaded bands, moments (the
 * operator's step, a finding) as labelled markers, limits as dashed horizontal lines.
 */
import type { Point } from "./series.ts";

export interface Series {
  name: string;
  color: string;
  points: readonly Point[];
  dashed?: boolean;
  width?: number;
}

export interface Band {
  from: number;
  to: number;
  label: string;
  lottery: boolean;
}

export interface Chart {
  title: string;
  yLabel: string;
  series: readonly Series[];
  bands: readonly Band[];
  markers: readonly { x: number; label: string; color: string }[];
  limits?: readonly { y: number; label: string; color: string }[];
  /** x of the show's start (epoch ms): x is drawn in seconds from it. */
  origin: number;
  xRange: [number, number];
  yMax?: number;
  height?: number;
}

const W = 880;
const PAD = { left: 64, right: 16, top: 28, bottom: 34 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Round numbers for an axis: 1, 2 or 5 times a power of ten. */
export function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

const fmt = (n: number) => (Math.abs(n) >= 1000 ? `${Math.round(n / 100) / 10}k` : `${Math.round(n * 10) / 10}`);

export function lineChart(c: Chart): string {
  const H = c.height ?? 240;
  const [x0, x1] = c.xRange;
  const yTop = Math.max(c.yMax ?? 0, ...c.series.flatMap((s) => s.points.map((p) => p[1])), ...(c.limits ?? []).map((l) => l.y), 1) * 1.08;
  const px = (x: number) => PAD.left + ((x - x0) / Math.max(1, x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - (y / yTop) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  for (const b of c.bands) {
    const a = px(Math.max(b.from, x0));
    const z = px(Math.min(b.to, x1));
    if (z <= a) continue;
    parts.push(
      `<rect x="${a.toFixed(1)}" y="${PAD.top}" width="${(z - a).toFixed(1)}" height="${H - PAD.top - PAD.bottom}" fill="${b.lottery ? "#fde8e4" : "#eef2f7"}"/>`,
    );
    parts.push(`<text x="${(a + 3).toFixed(1)}" y="${PAD.top + 11}" class="band">${esc(b.label)}</text>`);
  }
  const yStep = niceStep(yTop, 4);
  for (let y = 0; y <= yTop; y += yStep) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end" class="tick">${fmt(y)}</text>`);
  }
  const xStep = niceStep((x1 - x0) / 1000, 8) * 1000;
  for (let x = Math.ceil((x0 - c.origin) / xStep) * xStep + c.origin; x <= x1; x += xStep) {
    parts.push(
      `<text x="${px(x).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" class="tick">${Math.round((x - c.origin) / 1000)}s</text>`,
    );
  }
  for (const l of c.limits ?? []) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(l.y).toFixed(1)}" y2="${py(l.y).toFixed(1)}" stroke="${l.color}" stroke-dasharray="6 4" stroke-width="1.5"/>`,
    );
    parts.push(
      `<text x="${W - PAD.right - 4}" y="${(py(l.y) - 4).toFixed(1)}" text-anchor="end" class="tick" fill="${l.color}">${esc(l.label)}</text>`,
    );
  }
  for (const s of c.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join("");
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.8}"${s.dashed ? ' stroke-dasharray="5 4"' : ""}><title>${esc(s.name)}</title></path>`,
    );
  }
  for (const m of c.markers) {
    if (m.x < x0 || m.x > x1) continue;
    parts.push(
      `<line x1="${px(m.x).toFixed(1)}" x2="${px(m.x).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="${m.color}" stroke-width="1.5"/>`,
    );
    parts.push(`<text x="${(px(m.x) + 3).toFixed(1)}" y="${H - PAD.bottom - 6}" class="marker" fill="${m.color}">${esc(m.label)}</text>`);
  }
  parts.push(`<text x="12" y="${PAD.top - 10}" class="axis">${esc(c.yLabel)}</text>`);
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(c.title)}">${parts.join("")}</svg>`;
}

/** The legend under a chart: one swatch per series. */
export function legend(series: readonly Pick<Series, "name" | "color" | "dashed">[]): string {
  return `<p class="legend">${series
    .map((s) => `<span><i style="border-top:3px ${s.dashed ? "dashed" : "solid"} ${s.color}"></i>${esc(s.name)}</span>`)
    .join("")}</p>`;
}

export { esc };
