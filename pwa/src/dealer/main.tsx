import { render } from 'preact';
import '../ui/base.css';
import { applyBrand } from '../app/colour';
import { registerServiceWorker } from '../app/register-sw';
import { createRouter } from '../app/router';
import { Console } from '../staff/Console';
import type { ConsoleConfig } from '../staff/store';
import { Home } from './pages/Home';
import { store } from './state';

const router = createRouter('/dealer/');

const config: ConsoleConfig = {
  audience: 'dealer',
  name: 'Dealer console',
  nav: () => [
    { to: '', label: 'Locations' },
    { to: 'security', label: 'Security' },
  ],
};

const pages = { '': { component: Home } };

applyBrand('#6b2d5c', '#6b2d5c');
void store.boot(router.route.value);
render(<Console router={router} store={store} config={config} pages={pages} />, document.getElementById('app')!);
registerServiceWorker('/dealer/');
