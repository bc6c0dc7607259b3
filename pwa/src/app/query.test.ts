import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { idParam, param, trackSearch } from './query';
import type { Router } from './router';

describe('trackSearch', () => {
  it('follows navigation and back/forward', () => {
    let current = '';
    let onPop: () => void = () => {};
    const calls: string[] = [];
    const base: Router = {
      base: '/financier/',
      route: signal(''),
      href: (to) => `/financier/${to}`,
      navigate(to) {
        calls.push(to);
        current = to.includes('?') ? to.slice(to.indexOf('?')) : '';
      },
    };
    const search = signal('stale');
    const r = trackSearch(base, search, () => current, (fn) => (onPop = fn));
    expect(search.value).toBe('');
    r.navigate('campaigns?id=3');
    expect(calls).toEqual(['campaigns?id=3']);
    expect(search.value).toBe('?id=3');
    current = '?id=1';
    onPop();
    expect(search.value).toBe('?id=1');
    expect(r.href('x')).toBe('/financier/x');
  });
});

describe('param and idParam', () => {
  it('read ids only when they are positive integers', () => {
    expect(param('?id=12&tab=offers', 'tab')).toBe('offers');
    expect(param('?id=', 'id')).toBeNull();
    expect(idParam('?id=12')).toBe(12);
    expect(idParam('?id=0')).toBeNull();
    expect(idParam('?id=-3')).toBeNull();
    expect(idParam('?id=1e3')).toBeNull();
    expect(idParam('?id=12abc')).toBeNull();
    expect(idParam('')).toBeNull();
  });
});
