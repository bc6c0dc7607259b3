// Short forms for the console's dense tables.

const short = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** shortDate shows a calendar date (YYYY-MM-DD…) as "28 Nov 2026". */
export function shortDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return short.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

/** monthsLeft says how far off an end date is: 0 → "this month", 1 → "in 1 month". */
export function monthsLeft(n: number): string {
  if (n <= 0) return 'within a month';
  return n === 1 ? 'in 1 month' : `in ${n} months`;
}
