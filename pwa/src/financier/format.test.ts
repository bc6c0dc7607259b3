import { describe, expect, it } from 'vitest';
import { monthsLeft, shortDate } from './format';

describe('console formats', () => {
  it('shortens dates and says months left', () => {
    expect(shortDate('2026-11-28')).toBe('28 Nov 2026');
    expect(shortDate('2026-11-28T10:00:00Z')).toBe('28 Nov 2026');
    expect(shortDate('soon')).toBe('soon');
    expect(monthsLeft(0)).toBe('within a month');
    expect(monthsLeft(1)).toBe('in 1 month');
    expect(monthsLeft(7)).toBe('in 7 months');
  });
});
