// The customer app's store: a few signals, the API client and the offline
// copy of what the customer has been shown.
import { signal } from '@preact/signals';
import { Api, type CustomerOverview, type FinancierContact, type Session } from '../app/api';
import { ApiError, NetworkError } from '../app/errors';
import { applyBrand } from '../app/colour';
import { describeError } from '../app/messages';
import { openStore, type KeyValueStore } from '../app/store';

/** DEFAULT_BRAND is Keyturn's own colour, used until a financier is known. */
export const DEFAULT_BRAND = '#0b5394';

/** DB_NAME is the IndexedDB database of the customer app. */
export const DB_NAME = 'keyturn-customer';

/** Saved is what the app keeps offline: the last overview and when it was fetched. */
export interface Saved {
  overview: CustomerOverview;
  savedAt: string;
}

export const session = signal<Session | null>(null);
/** overview is what the home screen shows; from the API, or the offline copy. */
export const overview = signal<CustomerOverview | null>(null);
/** savedAt is set while the overview on screen is the offline copy. */
export const offlineSince = signal<string | null>(null);
/** booting is true until we know whether the customer is signed in. */
export const booting = signal(true);
/** contact is the financier the customer deals with, once known (invite or overview). */
export const contact = signal<FinancierContact | null>(null);
/** inviteToken is the token from an /invite#t=… link, held in memory only. */
export const inviteToken = signal<string | null>(null);
/** notice is a one-off message for the next screen ("You have signed out."). */
export const notice = signal<string | null>(null);
/** loadError says why the overview could not be fetched, while there is no copy to show. */
export const loadError = signal<string | null>(null);

export const api = new Api({
  kind: 'customer',
  onSession: (s) => {
    session.value = s;
  },
});

let cache: KeyValueStore | null = null;
function store(): KeyValueStore | null {
  if (!cache && typeof indexedDB !== 'undefined') cache = openStore(DB_NAME);
  return cache;
}

/** showFinancier brands the app for the customer's financier. */
export function showFinancier(f: FinancierContact): void {
  contact.value = f;
  applyBrand(f.brand_colour, DEFAULT_BRAND);
}

/** loadOverview fetches the overview and keeps a copy for offline use. */
export async function loadOverview(): Promise<void> {
  const o = await api.customerOverview();
  overview.value = o;
  offlineSince.value = null;
  loadError.value = null;
  showFinancier(o.financier);
  const saved: Saved = { overview: o, savedAt: new Date().toISOString() };
  try {
    await store()?.set('overview', saved);
  } catch (err) {
    // Private browsing may refuse IndexedDB; the app still works online.
    console.warn('could not keep the overview offline', err);
  }
}

async function showSaved(): Promise<boolean> {
  try {
    const saved = await store()?.get<Saved>('overview');
    if (!saved) return false;
    overview.value = saved.overview;
    offlineSince.value = saved.savedAt;
    showFinancier(saved.overview.financier);
    return true;
  } catch {
    return false;
  }
}

/** forgetLocalData drops everything the app keeps about the customer. */
export async function forgetLocalData(): Promise<void> {
  overview.value = null;
  loadError.value = null;
  offlineSince.value = null;
  contact.value = null;
  applyBrand(DEFAULT_BRAND, DEFAULT_BRAND);
  try {
    await store()?.destroy();
  } catch (err) {
    console.warn('could not clear offline data', err);
  }
}

/**
 * boot finds out whether the customer is signed in. The offline copy is
 * shown at once; then the refresh cookie is tried. No session → the copy is
 * dropped; no network → the copy stays on screen, marked as such.
 */
export async function boot(): Promise<void> {
  const hadCopy = await showSaved();
  try {
    const s = await api.refresh();
    if (s) {
      await loadOverview();
    } else if (hadCopy) {
      await forgetLocalData();
    }
  } catch (err) {
    if (!(err instanceof NetworkError) && !(err instanceof ApiError)) throw err;
    // Offline or the server is down: keep whatever copy we have, and say
    // why there is nothing if there is none.
    if (!overview.value) loadError.value = describeError(err);
  } finally {
    booting.value = false;
  }
}

/** signOut ends the session, here and on the server, and clears the offline copy. */
export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // Offline: the cookie stays until it expires, but nothing is left here.
  }
  await forgetLocalData();
  notice.value = 'You have signed out. To sign in again, use the link in your email.';
}
