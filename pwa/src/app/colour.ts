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
const WHITE_HEX = '#ffffff';
const INK_HEX = '#111827';

function toHex(rgb: [number, number, number]): string {
  return '#' + rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
}

// darkenUntil scales a colour towards black until white text on it (or it
// as text on white) reaches 4.5:1. Black reaches 21:1, so this ends.
function darkenUntil(rgb: [number, number, number]): [number, number, number] {
  let c = rgb;
  while (contrast(c, WHITE) < 4.5) {
    c = c.map((v) => Math.floor(v * 0.94)) as [number, number, number];
  }
  return c;
}

/** Brand is the set of colours made from a financier's brand colour. */
export interface Brand {
  /** Background of the header and primary buttons. */
  brand: string;
  /** Text on brand: white or near-black, whichever reads better. */
  onBrand: string;
  /** The brand as text or lines on white (links, outlines): at least 4.5:1. */
  brandInk: string;
}

/**
 * brandColours makes the colours to use from a brand colour. A colour that
 * is not a hex value falls back to the default; a light brand gets dark
 * text on it; a mid-tone that neither white nor dark text reads well on is
 * darkened.
 */
export function brandColours(colour: string | null | undefined, fallback: string): Brand {
  const rgb = (colour && parseHex(colour)) || parseHex(fallback) || [11, 83, 148];
  const ink = toHex(darkenUntil(rgb));
  const onWhite = contrast(rgb, WHITE);
  const onInk = contrast(rgb, INK);
  if (onWhite >= 4.5) return { brand: toHex(rgb), onBrand: WHITE_HEX, brandInk: ink };
  if (onInk >= 4.5) return { brand: toHex(rgb), onBrand: INK_HEX, brandInk: ink };
  return { brand: ink, onBrand: WHITE_HEX, brandInk: ink };
}

/** applyBrand sets the brand colour variables on the document. */
export function applyBrand(colour: string | null | undefined, fallback: string): void {
  const { brand, onBrand, brandInk } = brandColours(colour, fallback);
  const root = document.documentElement.style;
  // CSSOM writes are allowed under the CSP's style-src 'self'; a style
  // attribute in markup would not be.
  root.setProperty('--kt-brand', brand);
  root.setProperty('--kt-on-brand', onBrand);
  root.setProperty('--kt-brand-ink', brandInk);
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', brand);
}
