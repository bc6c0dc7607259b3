// The financier console's store: the shared staff session plus its own data.
import { signal } from '@preact/signals';
import type { FinancierOverview, StaffMember } from '../app/api';
import { FinancierApi, type DealerGroupDetail } from '../app/financier-api';
import { createStaffStore } from '../staff/store';

export const store = createStaffStore();
/** fin is the console's part of the API, through the store's client. */
export const fin = new FinancierApi(store.api);
/** search is the address bar's query string ("?id=12"), kept by main.tsx. */
export const search = signal('');
export const overview = signal<FinancierOverview | null>(null);
export const team = signal<StaffMember[] | null>(null);
export const network = signal<DealerGroupDetail[] | null>(null);

/** loadOverview fetches the financier's overview once (its name and currency). */
export async function loadOverview(): Promise<FinancierOverview> {
  if (overview.value) return overview.value;
  const o = await store.api.financierOverview();
  overview.value = o;
  return o;
}

/** currencySymbol is "£" or "€" for a currency code. */
export function currencySymbol(currency: string): string {
  try {
    const parts = new Intl.NumberFormat('en-GB', { style: 'currency', currency }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

// What one person saw must not show to the next one on a shared computer.
store.session.subscribe((s) => {
  if (!s) {
    overview.value = null;
    team.value = null;
    network.value = null;
  }
});
