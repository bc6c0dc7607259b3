// What the three service workers share: precache the app's own shell, answer
// navigations from the network and fall back to the cached shell when the
// network is down, and leave everything else alone. Nothing under /api is
// ever cached: API replies carry personal data and `Cache-Control: no-store`,
// and the app keeps what it needs in IndexedDB itself.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { handlesNavigation, isApi } from './routes';

declare const self: ServiceWorkerGlobalScope;

export interface ShellOptions {
  /** The app's base path, also the worker's scope: "/", "/financier/". */
  base: string;
  /** Path prefixes inside the scope that belong to someone else. */
  ignore: string[];
  /** The precache manifest vite-plugin-pwa injects (self.__WB_MANIFEST). */
  manifest: Array<PrecacheEntry | string>;
}

/** installShell sets up the worker. Call it once from each app's sw.ts. */
export function installShell({ base, ignore, manifest }: ShellOptions): void {
  const shell = `${base}index.html`;

  // Registered before precacheAndRoute so that it sees navigations first:
  // the network is asked first, so an online user always gets the newest
  // HTML (the server sends it with no-cache), and the precached shell is
  // the answer only when the network fails.
  self.addEventListener('fetch', (event: FetchEvent) => {
    const req = event.request;
    if (req.mode !== 'navigate' || req.method !== 'GET') return;
    const url = new URL(req.url);
    if (url.origin !== self.location.origin || !handlesNavigation(url.pathname, base, ignore)) return;
    event.respondWith(
      fetch(req).catch(async () => {
        const cached = await matchPrecache(shell);
        return cached ?? Response.error();
      }),
    );
  });

  // Only the files of this app's own build are in the manifest; /api never
  // is, and there is no runtime caching route at all.
  precacheAndRoute(manifest.filter((e) => !isApi(typeof e === 'string' ? e : e.url)));
  cleanupOutdatedCaches();

  // A new version takes over at once: the shell is small and has no lazy
  // chunks that an old page could still ask for.
  void self.skipWaiting();
  clientsClaim();
}
