// The customer app's service worker, scope /. The consoles have their own
// workers with narrower scopes; this one leaves their navigations alone, so
// it never answers a console page with the customer shell.
import { installShell } from '../sw/shell';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Parameters<typeof installShell>[0]['manifest'] };

installShell({ base: '/', ignore: ['/financier/', '/dealer/'], manifest: self.__WB_MANIFEST });
