import { describe, expect, it } from 'vitest';
import { routeOf } from './router';

describe('routeOf', () => {
  it.each([
    ['/', '/', ''],
    ['/invite', '/', 'invite'],
    ['/help/', '/', 'help'],
    ['/financier/', '/financier/', ''],
    ['/financier', '/financier/', ''],
    ['/financier/team', '/financier/', 'team'],
    ['/dealer/link/', '/dealer/', 'link'],
  ])('%s under %s → %j', (path, base, want) => {
    expect(routeOf(path, base)).toBe(want);
  });
});
