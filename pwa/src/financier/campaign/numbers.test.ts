import { describe, expect, it } from 'vitest';
import { moneyText, parseMoney, parsePercent, parseWhole } from './numbers';

describe('parseMoney', () => {
  it.each([
    ['24995', 2499500],
    ['24,995.00', 2499500],
    ['£24,995.5', 2499550],
    ['€ 1 000', 100000],
    ['0.99', 99],
    ['0', 0],
  ])('%s → %d', (text, minor) => {
    expect(parseMoney(text)).toEqual({ ok: true, value: minor });
  });

  it('reads negatives only when allowed', () => {
    expect(parseMoney('-£1,250', { negative: true })).toEqual({ ok: true, value: -125000 });
    expect(parseMoney('£-1,250', { negative: true })).toEqual({ ok: true, value: -125000 });
    expect(parseMoney('\u22121250.50', { negative: true })).toEqual({ ok: true, value: -125050 });
    expect(parseMoney('-1')).toMatchObject({ ok: false, empty: false });
  });

  it('refuses what is not an amount', () => {
    for (const t of ['12.345', '1,23', 'ten', '£', '1.2.3', '1e5']) {
      expect(parseMoney(t), t).toMatchObject({ ok: false, empty: false });
    }
    expect(parseMoney('  ')).toEqual({ ok: false, empty: true });
  });

  it('writes minor units back', () => {
    expect(moneyText(2499550)).toBe('24995.50');
    expect(moneyText(-5)).toBe('-0.05');
    expect(moneyText(null)).toBe('');
    for (const v of [0, 1, 99, 100, 123456, -125050]) {
      expect(parseMoney(moneyText(v), { negative: true })).toEqual({ ok: true, value: v });
    }
  });
});

describe('parseWhole and parsePercent', () => {
  it('read whole numbers in range', () => {
    expect(parseWhole('-270', -730, 90)).toEqual({ ok: true, value: -270 });
    expect(parseWhole('\u221290', -730, 90)).toEqual({ ok: true, value: -90 });
    expect(parseWhole('91', -730, 90)).toMatchObject({ ok: false, empty: false });
    expect(parseWhole('1.5', 0, 9)).toMatchObject({ ok: false, empty: false });
    expect(parseWhole('', 0, 9)).toEqual({ ok: false, empty: true });
  });

  it('read percentages', () => {
    expect(parsePercent('6.9')).toEqual({ ok: true, value: 6.9 });
    expect(parsePercent('10 %')).toEqual({ ok: true, value: 10 });
    expect(parsePercent('6.999')).toMatchObject({ ok: false, empty: false });
    expect(parsePercent('101')).toMatchObject({ ok: false, empty: false });
  });
});
