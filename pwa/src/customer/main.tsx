import { render } from 'preact';
import '../ui/base.css';
import { takeFragmentToken } from '../app/fragment';
import { registerServiceWorker } from '../app/register-sw';
import { createRouter } from '../app/router';
import { App } from './App';
import { boot, inviteToken } from './state';

const router = createRouter('/');

// Take the invite token out of the address bar before anything else runs.
if (router.route.value === 'invite') inviteToken.value = takeFragmentToken();

render(<App router={router} />, document.getElementById('app')!);
void boot();
registerServiceWorker('/');
