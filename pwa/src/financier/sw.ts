// The financier app's service worker, scope /financier/.
import { installShell } from '../sw/shell';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Parameters<typeof installShell>[0]['manifest'] };

installShell({ base: '/financier/', ignore: [], manifest: self.__WB_MANIFEST });
