// A financier's brand colour comes from the API; text on it must stay
// readable (WCAG 1.4.3, 4.5:1), whatever colour they chose.

/** parseHex reads #rgb or #rrggbb; anything else is null. */
export function parseHex(colour: string): [number, number, number] | null {
  const m = colour.trim().match(/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (!m || !m[1]) return null;
  let h = m[1];
  if (h.length === 3) h = h.replace(/./g, (c) => c + c);
  const n = parseInt(h, 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** luminance is the WCAG relative luminance of an RGB colour. */
export function luminance([r, g, b]: [number, number, number]): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** contrast is the WCAG contrast ratio of two colours. */
export function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: [number, number, number] = [255, 255, 255];
const INK: [number, number, number] = [17, 24, 39];

/**
 * brandColours answers the brand colour to use and the text colour on it.
 * A colour that is not a hex value falls back to the default; a light brand
 * gets dark text.
 */
export function brandColours(colour: string | null | undefined, fallback: string): { brand: string; onBrand: string } {
  const rgb = (colour && parseHex(colour)) || parseHex(fallback);
  if (!rgb) return { brand: fallback, onBrand: '#ffffff' };
  const hex = '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
  return { brand: hex, onBrand: contrast(rgb, WHITE) >= 4.5 ? '#ffffff' : '#111827' };
}

/** applyBrand sets the brand colour variables on the document. */
export function applyBrand(colour: string | null | undefined, fallback: string): void {
  const { brand, onBrand } = brandColours(colour, fallback);
  const root = document.documentElement.style;
  // CSSOM writes are allowed under the CSP's style-src 'self'; a style
  // attribute in markup would not be.
  root.setProperty('--kt-brand', brand);
  root.setProperty('--kt-on-brand', onBrand);
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', brand);
}

