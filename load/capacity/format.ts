/** Number formatting shared by the capacity and cost printouts (en-US grouping). */
export const n = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const pct = (x: number, digits = 1) => `${n(100 * x, digits)}%`;

/** A table row: a negative width pads the cell on the right (text), a positive one on the left (numbers). */
export const columns =
  (...widths: number[]) =>
  (...cells: string[]) =>
    "  " + cells.map((cell, i) => (widths[i] < 0 ? cell.padEnd(-widths[i]) : cell.padStart(widths[i]))).join("");
