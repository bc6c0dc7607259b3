// One-time tokens arrive in the URL fragment (/invite#t=TOKEN): a fragment is
// never sent to the server, so it stays out of access logs and Referer
// headers. The app reads it once and removes it from the address bar, so it
// is not left in history, bookmarks or a screenshot.

/** tokenFromHash reads t from a fragment like "#t=abc". */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const t = params.get('t');
  return t && t.trim() !== '' ? t.trim() : null;
}

/**
 * takeFragmentToken returns the token in the current URL's fragment and
 * replaces the URL with one without the fragment. loc and hist default to
 * the window's; tests pass their own.
 */
export function takeFragmentToken(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'> = location,
  hist: Pick<History, 'replaceState' | 'state'> = history,
): string | null {
  const token = tokenFromHash(loc.hash);
  if (loc.hash !== '') hist.replaceState(hist.state, '', loc.pathname + loc.search);
  return token;
}
