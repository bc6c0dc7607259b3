// The part of a console's store that both consoles share: the staff session
// and how a console starts. Each console's state.ts adds its own data.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { signal, type Signal } from '@preact/signals';
import { Api, type Session, type Subject } from '../app/api';
import { ApiError, NetworkError } from '../app/errors';
import { takeFragmentToken } from '../app/fragment';
import { isDealerRole, isFinancierRole } from '../app/roles';
import type { NavItem } from '../ui/Layout';

export type Audience = 'financier' | 'dealer';

/** StaffStore is one console's session state and API client. */
export interface StaffStore {
  api: Api;
  session: Signal<Session | null>;
  /** booting is true until we know whether someone is signed in. */
  booting: Signal<boolean>;
  /** offline is set when start-up could not reach the server. */
  offline: Signal<boolean>;
  /** token is a one-time token from the URL fragment (link, accept, reset), in memory only. */
  token: Signal<string | null>;
  /** notice is a one-off message for the next screen. */
  notice: Signal<string | null>;
  boot(route: string): Promise<void>;
  signOut(): Promise<void>;
}

/** Routes whose URL carries a one-time token in its fragment. */
export const TOKEN_ROUTES = ['link', 'accept', 'reset'];

/** createStaffStore makes a console's store. */
export function createStaffStore(): StaffStore {
  const session = signal<Session | null>(null);
  const booting = signal(true);
  const offline = signal(false);
  const token = signal<string | null>(null);
  const notice = signal<string | null>(null);
  const api = new Api({
    kind: 'staff',
    onSession: (s) => {
      session.value = s;
    },
  });

  return {
    api,
    session,
    booting,
    offline,
    token,
    notice,
    async boot(route) {
      if (TOKEN_ROUTES.includes(route)) {
        // Take the token out of the address bar first; the screen uses it.
        token.value = takeFragmentToken();
        if (token.value) {
          booting.value = false;
          return;
        }
      }
      try {
        await api.refresh();
      } catch (err) {
        if (err instanceof NetworkError) offline.value = true;
        else if (!(err instanceof ApiError)) throw err;
      } finally {
        booting.value = false;
      }
    },
    async signOut() {
      try {
        await api.logout();
      } catch {
        // Offline: the token is dropped here all the same.
      }
      notice.value = 'You have signed out.';
    },
  };
}

/** ConsoleConfig is what differs between the financier and dealer consoles. */
export interface ConsoleConfig {
  audience: Audience;
  /** "Financier console" */
  name: string;
  /** Nav items for a signed-in subject. */
  nav(subject: Subject): NavItem[];
}

export interface ConsoleContextValue {
  store: StaffStore;
  config: ConsoleConfig;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

/** useConsole is the console's store and config. */
export function useConsole(): ConsoleContextValue {
  const v = useContext(ConsoleContext);
  if (!v) throw new Error('useConsole outside ConsoleContext');
  return v;
}

/** belongsTo reports whether a subject signs in to this console. */
export function belongsTo(subject: Subject, audience: Audience): boolean {
  if (subject.kind !== 'staff') return false;
  return audience === 'dealer' ? isDealerRole(subject.role) : isFinancierRole(subject.role);
}
