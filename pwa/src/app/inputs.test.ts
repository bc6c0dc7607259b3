import { describe, expect, it } from 'vitest';
import { checkNewPassword, normaliseCode, normaliseEmail, normalisePostcode, parseDateOfBirth } from './inputs';

const today = new Date(2026, 10, 23);

describe('parseDateOfBirth', () => {
  it.each([
    ['12/04/1986', '1986-04-12'],
    ['12/4/1986', '1986-04-12'],
    ['12-04-1986', '1986-04-12'],
    ['12.04.1986', '1986-04-12'],
    ['12 04 1986', '1986-04-12'],
    [' 12 / 04 / 1986 ', '1986-04-12'],
    ['12041986', '1986-04-12'],
    ['1986-04-12', '1986-04-12'],
    ['1986-4-2', '1986-04-02'],
    ['29/02/2000', '2000-02-29'],
  ])('%s → %s', (input, want) => {
    expect(parseDateOfBirth(input, today)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['', 'Enter your date of birth.'],
    ['April 12th', 'Enter your date of birth as day, month and year, like 12/04/1986.'],
    ['12/04/86', 'Enter your date of birth as day, month and year, like 12/04/1986.'],
    ['12/13/1986', 'The month must be between 1 and 12.'],
    ['31/04/1986', 'Enter a real date of birth, like 12/04/1986.'],
    ['29/02/2001', 'Enter a real date of birth, like 12/04/1986.'],
    ['00/04/1986', 'Enter a real date of birth, like 12/04/1986.'],
    ['24/11/2026', 'Your date of birth must be in the past.'],
    ['01/01/1850', 'Enter the year in full, like 1986.'],
  ])('rejects %j', (input, message) => {
    expect(parseDateOfBirth(input, today)).toEqual({ ok: false, message });
  });

  it('accepts today (a birthday is not in the future)', () => {
    expect(parseDateOfBirth('23/11/2026', today)).toEqual({ ok: true, value: '2026-11-23' });
  });
});

describe('normalisePostcode', () => {
  it.each([
    ['LS1 4AP', 'LS1 4AP'],
    ['ls14ap', 'LS1 4AP'],
    ['  ls1   4ap ', 'LS1 4AP'],
    ['sw1a1aa', 'SW1A 1AA'],
    ['M1 1AE', 'M1 1AE'],
    ['b338th', 'B33 8TH'],
    ['EC1A-1BB', 'EC1A 1BB'],
    ['gir0aa', 'GIR 0AA'],
    ['d02x285', 'D02 X285'],
    ['D6W 1234', 'D6W 1234'],
    ['A65 F4E2', 'A65 F4E2'],
  ])('%j → %j', (input, want) => {
    expect(normalisePostcode(input)).toEqual({ ok: true, value: want });
  });

  it.each(['', '   ', '12345', 'LS1', 'LS1 4A', 'QQ1 1QQ4', 'not a postcode'])('rejects %j', (input) => {
    expect(normalisePostcode(input).ok).toBe(false);
  });
});

describe('normaliseEmail', () => {
  it('trims and accepts an address', () => {
    expect(normaliseEmail('  jane@example.com ')).toEqual({ ok: true, value: 'jane@example.com' });
  });
  it.each(['', 'jane', 'jane@', 'jane@example', 'ja ne@example.com'])('rejects %j', (input) => {
    expect(normaliseEmail(input).ok).toBe(false);
  });
});

describe('normaliseCode', () => {
  it.each([
    ['123456', '123456'],
    ['123 456', '123456'],
    [' 123-456 ', '123456'],
  ])('%j → %j', (input, want) => {
    expect(normaliseCode(input)).toEqual({ ok: true, value: want });
  });
  it.each(['', '12345', '1234567', 'abcdef'])('rejects %j', (input) => {
    expect(normaliseCode(input).ok).toBe(false);
  });
});

describe('checkNewPassword', () => {
  it('needs 12 characters and the same twice', () => {
    expect(checkNewPassword('short', 'short').ok).toBe(false);
    expect(checkNewPassword('correct horse battery', 'correct horse batterY')).toEqual({
      ok: false,
      message: 'The two passwords are not the same.',
    });
    expect(checkNewPassword('correct horse battery', 'correct horse battery')).toEqual({
      ok: true,
      value: 'correct horse battery',
    });
  });
});
