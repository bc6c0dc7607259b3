// Reading the numbers people type into the console's forms: money in pounds
// or euros with up to two decimals (sent to the API in minor units), whole
// numbers, and percentages such as an APR.

/** Parsed is a value read from a form field: ok, empty (left blank), or wrong with a message. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; empty: true } | { ok: false; empty: false; message: string };

const MAX_MONEY = 100_000_000_000; // a billion in major units, as minor units: well past any car

/** parseMoney reads "£24,995.00", "24995", "-1,250.5" into minor units (2499500, …). */
export function parseMoney(text: string, opts: { negative?: boolean } = {}): Parsed<number> {
  let t = text.trim().replace(/\u2212/g, '-').replace(/\s/g, '');
  if (t === '') return { ok: false, empty: true };
  let sign = 1;
  if (t.startsWith('-')) {
    sign = -1;
    t = t.slice(1);
  }
  t = t.replace(/^[£€]/, '');
  if (t.startsWith('-') && sign === 1) {
    sign = -1;
    t = t.slice(1);
  }
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return { ok: false, empty: false, message: 'Enter an amount like 24,995 or 24995.00.' };
  if (sign < 0 && !opts.negative) return { ok: false, empty: false, message: 'Enter an amount of zero or more.' };
  const whole = Number(m[1]!.replace(/,/g, ''));
  const pence = Number((m[2] ?? '').padEnd(2, '0'));
  const minor = whole * 100 + pence;
  if (minor > MAX_MONEY) return { ok: false, empty: false, message: 'That amount is too large.' };
  return { ok: true, value: sign * minor };
}

/** moneyText writes minor units back for a form field: 2499500 → "24995.00". */
export function moneyText(minor: number | null | undefined): string {
  if (minor === null || minor === undefined) return '';
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** parseWhole reads a whole number within [min, max]. */
export function parseWhole(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim().replace(/\u2212/g, '-').replace(/,/g, '');
  if (t === '') return { ok: false, empty: true };
  if (!/^-?\d{1,9}$/.test(t)) return { ok: false, empty: false, message: 'Enter a whole number.' };
  const n = Number(t);
  if (n < min || n > max) return { ok: false, empty: false, message: `Enter a number from ${min} to ${max}.` };
  return { ok: true, value: n };
}

/** parsePercent reads "6.9", "6.9%" or "10" into a number with at most two decimals. */
export function parsePercent(text: string, max = 100): Parsed<number> {
  const t = text.trim().replace(/%$/, '').trim();
  if (t === '') return { ok: false, empty: true };
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return { ok: false, empty: false, message: 'Enter a percentage like 6.9.' };
  const n = Number(t);
  if (n > max) return { ok: false, empty: false, message: `Enter at most ${max}%.` };
  return { ok: true, value: n };
}
