import { describe, expect, it } from 'vitest';
import { takeFragmentToken, tokenFromHash } from './fragment';

describe('tokenFromHash', () => {
  it('reads t from the fragment', () => {
    expect(tokenFromHash('#t=abc123')).toBe('abc123');
    expect(tokenFromHash('#x=1&t=abc')).toBe('abc');
    expect(tokenFromHash('#t=')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });
});

describe('takeFragmentToken', () => {
  it('returns the token and removes the fragment from the address bar', () => {
    const replaced: string[] = [];
    const hist = { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => replaced.push(String(url)) };
    const token = takeFragmentToken({ hash: '#t=secret', pathname: '/financier/link', search: '?x=1' }, hist);
    expect(token).toBe('secret');
    expect(replaced).toEqual(['/financier/link?x=1']);
  });

  it('leaves a URL without a fragment alone', () => {
    const replaced: string[] = [];
    const hist = { state: null, replaceState: () => replaced.push('called') };
    expect(takeFragmentToken({ hash: '', pathname: '/invite', search: '' }, hist)).toBeNull();
    expect(replaced).toEqual([]);
  });
});
