// Formatting for people, en-GB. Money arrives as integer pence.
import type { Product } from './api';

const money = new Map<string, Intl.NumberFormat>();

/** formatMoney shows pence as currency: 29950, "GBP" → "£299.50". */
export function formatMoney(pence: number, currency = 'GBP'): string {
  let f = money.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    money.set(currency, f);
  }
  return f.format(pence / 100);
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** formatDate shows a calendar date (YYYY-MM-DD) as "12 April 2027". */
export function formatDate(isoDate: string): string {
  const m = isoDate.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (!m) return isoDate;
  return longDate.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' });

/** formatDateTime shows an instant in the reader's time zone. */
export function formatDateTime(d: Date): string {
  return dateTime.format(d);
}

const products: Record<Product, string> = {
  pcp: 'Personal contract purchase (PCP)',
  hp: 'Hire purchase (HP)',
  pch: 'Personal contract hire (lease)',
};

/** productName is the plain-English name of a finance product. */
export function productName(p: Product | string): string {
  return products[p as Product] ?? p.toUpperCase();
}

const roles: Record<string, string> = {
  financier_admin: 'Administrator',
  financier_marketer: 'Marketer',
  compliance_approver: 'Compliance approver',
  financier_analyst: 'Analyst',
  dealer_principal: 'Dealer principal',
  dealer_staff: 'Dealer staff',
  customer: 'Customer',
};

/** roleName is the plain-English name of a role; unknown ones are spelled out. */
export function roleName(role: string): string {
  const known = roles[role];
  if (known) return known;
  const words = role.replace(/^(financier|dealer)_/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
