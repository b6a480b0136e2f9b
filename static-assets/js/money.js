/** Integer cents to and from what people read and type; never floating-point arithmetic. */

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/**
 * Yuan with Intl.NumberFormat ("¥1,234.56"), from the exact decimal text of the cents (no
 * division, so no floating-point rounding).
 * @param {number} cents
 * @param {string} [locale]
 */
export function formatCents(cents, locale = "en") {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" });
    formats.set(locale, format);
  }
  const abs = Math.abs(cents);
  const decimal = /** @type {Intl.StringNumericLiteral} */ (
    `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`
  );
  return format.format(decimal);
}

/**
 * "12", "12.3" or "12.34" → cents; null for anything else.
 * @param {string} text
 */
export function parseCents(text) {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}
