/** Small SVG charts drawn by hand: a line over recent samples and labelled bars. */

const NS = "http://www.w3.org/2000/svg";
const W = 320;
const H = 120;
const PAD = 24;

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
