// The query string as a signal. The router follows the path only ("campaigns"),
// so a screen that shows one item of a list keeps its id in the query
// ("campaigns?id=12"): the list and the item share one nav entry, and a link
// to the item still works when pasted or reloaded.
import type { Signal } from '@preact/signals';
import type { Router } from './router';

/**
 * trackSearch returns a router whose navigate also updates search, and keeps
 * search in step with back and forward. read and listen default to the
 * window's location and popstate; tests pass their own.
 */
export function trackSearch(
  router: Router,
  search: Signal<string>,
  read: () => string = () => location.search,
  listen: (fn: () => void) => void = (fn) => addEventListener('popstate', fn),
): Router {
  search.value = read();
  listen(() => {
    search.value = read();
  });
  return {
    ...router,
    navigate(to, opts) {
      router.navigate(to, opts);
      search.value = read();
    },
  };
}

/** param reads one parameter of a query string ("?id=12", "id") → "12". */
export function param(search: string, name: string): string | null {
  const v = new URLSearchParams(search).get(name);
  return v === null || v.trim() === '' ? null : v.trim();
}

/** idParam reads a positive integer id from a query string, or null. */
export function idParam(search: string, name = 'id'): number | null {
  const v = param(search, name);
  if (v === null || !/^\d{1,15}$/.test(v)) return null;
  const n = Number(v);
  return n > 0 ? n : null;
}
