import { render } from 'preact';
import '../ui/base.css';
import { applyBrand } from '../app/colour';
import { registerServiceWorker } from '../app/register-sw';
import { createRouter } from '../app/router';
import { Console } from '../staff/Console';
import type { ConsoleConfig } from '../staff/store';
import { Home } from './pages/Home';
import { Team } from './pages/Team';
import { store } from './state';

const router = createRouter('/financier/');

const isAdmin = (s: { role: string }) => s.role === 'financier_admin';

const config: ConsoleConfig = {
  audience: 'financier',
  name: 'Financier console',
  nav: (subject) => [
    { to: '', label: 'Overview' },
    ...(isAdmin(subject) ? [{ to: 'team', label: 'Team' }] : []),
    { to: 'security', label: 'Security' },
  ],
};

const pages = {
  '': { component: Home },
  team: { component: Team, allowed: isAdmin },
};

applyBrand('#1d4e47', '#1d4e47');
void store.boot(router.route.value);
render(<Console router={router} store={store} config={config} pages={pages} />, document.getElementById('app')!);
registerServiceWorker('/financier/');
