import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { AppLink } from '../AppLink';
import { HelpLink } from '../HelpLink';
import './Layout.css';

export interface NavItem {
  to: string;
  label: string;
}

export interface PageProps {
  /** The app's name in the header: "Keyturn", or the financier's name. */
  appName: string;
  /** A second line under the name, such as the console's name. */
  context?: string;
  title: string;
  /** The current route, to mark the nav item for it. */
  route?: string;
  nav?: NavItem[];
  /** Sign out, shown at the end of the nav. */
  onSignOut?: () => void;
  /** A line at the foot of the page, such as what the app does with data. */
  footer?: ComponentChildren;
  children?: ComponentChildren;
}

let firstPage = true;

/**
 * Page is the frame of every screen: skip link, header with the app's name
 * and the help link (always the same place), the nav when signed in, and
 * the main content under one h1. When the title changes (a new screen in a
 * single-page app), focus moves to the h1 and the document title follows,
 * as a page load would announce them.
 */
export function Page({ appName, context, title, route, nav, onSignOut, footer, children }: PageProps) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${appName}`;
    if (firstPage) {
      firstPage = false;
      return;
    }
    h1.current?.focus();
  }, [title]);

  return (
    <>
      <a
        class="kt-skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to main content
      </a>
      <header class="kt-header">
        <div class="kt-header__inner">
          <AppLink to="" class="kt-header__brand">
            <svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
              <circle cx="16" cy="16" r="13" fill="none" stroke="currentColor" stroke-width="2.5" />
              <circle cx="16" cy="13" r="4" fill="currentColor" />
              <path d="M14.2 15.5h3.6l1.2 7.5h-6z" fill="currentColor" />
            </svg>
            <span>
              {appName}
              {context && <span class="kt-header__context">{context}</span>}
            </span>
          </AppLink>
          <HelpLink />
        </div>
      </header>
      {(nav || onSignOut) && (
        <nav class="kt-nav" aria-label="Main">
          <div class="kt-nav__inner">
            <ul>
              {nav?.map((item) => (
                <li key={item.to}>
                  <AppLink to={item.to} aria-current={route === item.to ? 'page' : undefined}>
                    {item.label}
                  </AppLink>
                </li>
              ))}
              {onSignOut && (
                <li>
                  <button type="button" onClick={onSignOut}>
                    Sign out
                  </button>
                </li>
              )}
            </ul>
          </div>
        </nav>
      )}
      <main id="main" class="kt-main" tabIndex={-1}>
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
      {footer && (
        <footer class="kt-footer">
          <div class="kt-footer__inner">{footer}</div>
        </footer>
      )}
    </>
  );
}
