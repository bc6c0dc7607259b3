import type { ComponentType } from 'preact';
import { useMemo } from 'preact/hooks';
import { RouterContext, type Router } from '../app/router';
import { Frame } from './Frame';
import { AcceptInvite } from './pages/AcceptInvite';
import { Help } from './pages/Help';
import { LinkSignIn } from './pages/LinkSignIn';
import { Reset } from './pages/Reset';
import { Security } from './pages/Security';
import { SignIn } from './pages/SignIn';
import { WrongConsole } from './pages/WrongConsole';
import { belongsTo, ConsoleContext, type ConsoleConfig, type StaffStore } from './store';
import type { Subject } from '../app/api';

/** SignedInPage is a console screen for signed-in staff, shown only when allowed. */
export interface SignedInPage {
  component: ComponentType;
  allowed?: (subject: Subject) => boolean;
}

/**
 * Console is a whole staff console: the sign-in screens both consoles share
 * and, once signed in, the pages it is given ("" is home).
 */
export function Console({
  router,
  store,
  config,
  pages,
}: {
  router: Router;
  store: StaffStore;
  config: ConsoleConfig;
  pages: Record<string, SignedInPage>;
}) {
  const ctx = useMemo(() => ({ store, config }), [store, config]);
  return (
    <RouterContext.Provider value={router}>
      <ConsoleContext.Provider value={ctx}>
        <Route route={router.route.value} store={store} config={config} pages={pages} />
      </ConsoleContext.Provider>
    </RouterContext.Provider>
  );
}

function Route({
  route,
  store,
  config,
  pages,
}: {
  route: string;
  store: StaffStore;
  config: ConsoleConfig;
  pages: Record<string, SignedInPage>;
}) {
  if (route === 'help') return <Help />;
  if (route === 'link') return <LinkSignIn />;
  if (route === 'accept') return <AcceptInvite />;
  if (route === 'reset') return <Reset />;
  if (store.booting.value) {
    return (
      <Frame title={config.name}>
        <p role="status">Loading…</p>
      </Frame>
    );
  }
  const subject = store.session.value?.subject;
  if (!subject) {
    if (store.offline.value) {
      return (
        <Frame title="You are offline">
          <p>The console needs a connection to sign you in. Check your connection, then reload the page.</p>
        </Frame>
      );
    }
    return <SignIn />;
  }
  if (!belongsTo(subject, config.audience)) return <WrongConsole />;
  if (route === 'security') return <Security />;
  const page = pages[route];
  if (!page || (page.allowed && !page.allowed(subject))) {
    return (
      <Frame title="Page not found">
        <p>There is no such page here, or your role cannot see it.</p>
      </Frame>
    );
  }
  const Component = page.component;
  return <Component />;
}
