// The dealer app's service worker, scope /dealer/.
import { installShell } from '../sw/shell';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Parameters<typeof installShell>[0]['manifest'] };

installShell({ base: '/dealer/', ignore: [], manifest: self.__WB_MANIFEST });
