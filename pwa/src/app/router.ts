// A very small router: the path below the app's base as a signal, updated by
// links, history and navigate(). Each front end has a handful of screens, so
// a table of names in its App is enough.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { signal, type Signal } from '@preact/signals';

/** Router knows the app's base ("/", "/financier/") and where we are under it. */
export interface Router {
  base: string;
  /** route is the path below base without slashes at its ends: "", "team", "reset". */
  route: Signal<string>;
  navigate(to: string, opts?: { replace?: boolean }): void;
  href(to: string): string;
}

/** routeOf cuts base off a pathname: ("/financier/team/", "/financier/") → "team". */
export function routeOf(pathname: string, base: string): string {
  const b = base.replace(/\/$/, '');
  let p = pathname.startsWith(b) ? pathname.slice(b.length) : pathname;
  p = p.replace(/^\/+|\/+$/g, '');
  return p;
}

/** createRouter makes the app's router and follows back and forward. */
export function createRouter(base: string): Router {
  const route = signal(routeOf(location.pathname, base));
  const href = (to: string) => base + to.replace(/^\//, '');
  addEventListener('popstate', () => {
    route.value = routeOf(location.pathname, base);
  });
  return {
    base,
    route,
    href,
    navigate(to, opts = {}) {
      const url = href(to);
      if (opts.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      route.value = routeOf(location.pathname, base);
      // A new screen: start at the top, like a page load would.
      scrollTo(0, 0);
    },
  };
}

/** RouterContext gives links and pages the app's router. */
export const RouterContext = createContext<Router | null>(null);

/** useRouter is the app's router; it is an error to use it outside an app. */
export function useRouter(): Router {
  const r = useContext(RouterContext);
  if (!r) throw new Error('useRouter outside RouterContext');
  return r;
}
