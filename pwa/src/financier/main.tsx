import { render } from 'preact';
import '../ui/base.css';
import './console.css';
import { applyBrand } from '../app/colour';
import { trackSearch } from '../app/query';
import { registerServiceWorker } from '../app/register-sw';
import { createRouter } from '../app/router';
import { Console } from '../staff/Console';
import type { ConsoleConfig } from '../staff/store';
import { canImport, canSeeAudit, isAdmin } from './access';
import { Audit } from './pages/Audit';
import { Campaigns } from './pages/Campaigns';
import { Home } from './pages/Home';
import { Imports } from './pages/Imports';
import { Network } from './pages/Network';
import { Team } from './pages/Team';
import { search, store } from './state';

// Screens that show one item of a list keep its id in the query string
// (campaigns?id=12); the router follows the path, trackSearch the query.
const router = trackSearch(createRouter('/financier/'), search);

const config: ConsoleConfig = {
  audience: 'financier',
  name: 'Financier console',
  nav: (subject) => [
    { to: '', label: 'Overview' },
    ...(canImport(subject) ? [{ to: 'imports', label: 'Load agreements' }] : []),
    { to: 'campaigns', label: 'Campaigns' },
    { to: 'network', label: 'Dealer network' },
    ...(canSeeAudit(subject) ? [{ to: 'audit', label: 'Audit log' }] : []),
    ...(isAdmin(subject) ? [{ to: 'team', label: 'Team' }] : []),
    { to: 'security', label: 'Security' },
  ],
};

const pages = {
  '': { component: Home },
  imports: { component: Imports, allowed: canImport },
  campaigns: { component: Campaigns },
  network: { component: Network },
  audit: { component: Audit, allowed: canSeeAudit },
  team: { component: Team, allowed: isAdmin },
};

applyBrand('#1d4e47', '#1d4e47');
void store.boot(router.route.value);
render(<Console router={router} store={store} config={config} pages={pages} />, document.getElementById('app')!);
registerServiceWorker('/financier/');
