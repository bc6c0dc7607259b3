// Registers an app's service worker from our own module: the server's CSP
// (script-src 'self') blocks the inline snippet vite-plugin-pwa can inject.

/** registerServiceWorker registers base + "sw.js" with scope base, after load. */
export function registerServiceWorker(base: string): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register(`${base}sw.js`, { scope: base, type: 'classic' }).catch((err: unknown) => {
      // The app works without it (online only); nothing to tell the user.
      console.warn('service worker registration failed', err);
    });
  };
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
