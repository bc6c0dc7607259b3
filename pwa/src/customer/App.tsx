import { RouterContext, type Router } from '../app/router';
import { booting, overview, session } from './state';
import { Frame } from './pages/Frame';
import { Help } from './pages/Help';
import { Home } from './pages/Home';
import { Invite } from './pages/Invite';
import { SignedOut } from './pages/SignedOut';

function Screen({ route }: { route: string }) {
  if (route === 'help') return <Help />;
  if (route === 'invite') return <Invite />;
  if (booting.value && !overview.value) {
    return (
      <Frame title="Keyturn">
        <p role="status">Loading…</p>
      </Frame>
    );
  }
  if (session.value || overview.value) return <Home />;
  return <SignedOut />;
}

/** App is the customer app: invite, identity check, home and help. */
export function App({ router }: { router: Router }) {
  return (
    <RouterContext.Provider value={router}>
      <Screen route={router.route.value} />
    </RouterContext.Provider>
  );
}
