/**
 * Small SVG charts drawn by hand: a line over recent samples, labelled bars for a few items,
 * and columns for many (shards).
 */

const NS = "http://www.w3.org/2000/svg";
const W = 320;
const H = 120;
const PAD = 24;
/** Column charts: margin left and right, the plot's top and its baseline (room for the axis labels). */
const SIDE = 8;
const PLOT_TOP = 30;
const BASELINE = H - 14;
/** An upper bound on a character's width in the 10px label font, and the gap kept between labels. */
const CHAR_W = 6.5;
const LABEL_GAP = 4;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function svgEl(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** @param {SVGSVGElement} svg */
function reset(svg) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
}

/**
 * A line chart of `values` (oldest first), scaled to the largest value.
 * @param {SVGSVGElement} svg
 * @param {readonly number[]} values
 * @param {string} unit
 */
export function drawLine(svg, values, unit) {
  reset(svg);
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (W - 2 * PAD) / (values.length - 1) : 0;
  const points = values.map((v, i) => `${PAD + i * step},${H - PAD - ((H - 2 * PAD) * v) / max}`).join(" ");
  svg.append(
    svgEl("line", { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: "axis" }),
    svgEl("text", { x: PAD, y: 14, class: "label" }, `max ${max.toFixed(1)} ${unit}`),
    svgEl("text", { x: W - PAD, y: 14, class: "label", "text-anchor": "end" }, `now ${(values.at(-1) ?? 0).toFixed(1)} ${unit}`),
    svgEl("polyline", { points, class: "series" }),
  );
}

/**
 * Horizontal bars, one per item, scaled to the largest value.
 * @param {SVGSVGElement} svg
 * @param {readonly { label: string, value: number, text: string }[]} items
 */
export function drawBars(svg, items) {
  reset(svg);
  const max = Math.max(1, ...items.map((i) => i.value));
  const rowH = (H - 8) / Math.max(1, items.length);
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    const width = ((W - 150) * item.value) / max;
    svg.append(
      svgEl("text", { x: 0, y: y + rowH * 0.65, class: "label" }, item.label),
      svgEl("rect", { x: 80, y: y + rowH * 0.15, width: Math.max(1, width), height: rowH * 0.7, class: "bar" }),
      svgEl("text", { x: 84 + width, y: y + rowH * 0.65, class: "label" }, item.text),
    );
  });
}

/**
 * One column per item, left to right, scaled to the largest value, for many items such as
 * the shards (16, or 128 in production). Every item keeps its column, with its figure in a
 * tooltip; the axis labels are thinned to every 2nd, 4th, 8th … item so that no two overlap;
 * two lines on top name the highest and the lowest item.
 * @param {SVGSVGElement} svg
 * @param {readonly { label: string, value: number, text: string }[]} items
 * @param {string} noun what one item is ("shard"), for the tooltips and the top lines
 */
export function drawColumns(svg, items, noun) {
  reset(svg);
  if (items.length === 0) return;
  const max = Math.max(1, ...items.map((i) => i.value));
  const colW = (W - 2 * SIDE) / items.length;
  const barW = colW > 3 ? colW * 0.8 : colW;
  const labelW = Math.max(...items.map((i) => i.label.length)) * CHAR_W + LABEL_GAP;
  let every = 1;
  while (every * colW < labelW) every *= 2;
  const byValue = [...items].sort((a, b) => a.value - b.value);
  /** @param {string} what @param {{ label: string, text: string }} item @param {number} y */
  const extreme = (what, item, y) => svgEl("text", { x: SIDE, y, class: "label" }, `${what}: ${noun} ${item.label} · ${item.text}`);
  svg.append(
    extreme("highest", byValue[byValue.length - 1], 12),
    extreme("lowest", byValue[0], 25),
    svgEl("line", { x1: SIDE, y1: BASELINE, x2: W - SIDE, y2: BASELINE, class: "axis" }),
  );
  items.forEach((item, i) => {
    const x = SIDE + i * colW;
    const height = Math.max(1, ((BASELINE - PLOT_TOP) * item.value) / max);
    const bar = svgEl("rect", { x: x + (colW - barW) / 2, y: BASELINE - height, width: barW, height, class: "bar" });
    bar.append(svgEl("title", {}, `${noun} ${item.label}: ${item.text}`));
    svg.append(bar);
    if (i % every === 0) svg.append(svgEl("text", { x: x + colW / 2, y: H - 3, class: "label", "text-anchor": "middle" }, item.label));
  });
}
