// The financier console's store: the shared staff session plus its own data.
import { signal } from '@preact/signals';
import type { FinancierOverview, StaffMember } from '../app/api';
import { createStaffStore } from '../staff/store';

export const store = createStaffStore();
export const overview = signal<FinancierOverview | null>(null);
export const team = signal<StaffMember[] | null>(null);

// What one person saw must not show to the next one on a shared computer.
store.session.subscribe((s) => {
  if (!s) {
    overview.value = null;
    team.value = null;
  }
});
