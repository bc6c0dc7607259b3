// Which requests a service worker answers. Pure functions, so they are
// tested without a worker.

/** isApi reports whether a path is the API's; the workers never touch those. */
export function isApi(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/**
 * handlesNavigation reports whether a navigation to pathname is this app's
 * to answer when offline: inside base, not the API, not another app's
 * folder, and not a file (a path with an extension, like /robots.txt).
 */
export function handlesNavigation(pathname: string, base: string, ignore: string[]): boolean {
  if (!pathname.startsWith(base) || isApi(pathname)) return false;
  if (ignore.some((p) => pathname === p.replace(/\/$/, '') || pathname.startsWith(p))) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.');
}
