import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, productName, roleName } from './format';

describe('formatMoney', () => {
  it('shows integer pence as pounds', () => {
    expect(formatMoney(29950, 'GBP')).toBe('£299.50');
    expect(formatMoney(1234567, 'GBP')).toBe('£12,345.67');
    expect(formatMoney(0, 'GBP')).toBe('£0.00');
    expect(formatMoney(29950, 'EUR')).toBe('€299.50');
  });
});

describe('formatDate', () => {
  it('shows a calendar date without shifting it by time zone', () => {
    expect(formatDate('2027-04-12')).toBe('12 April 2027');
    expect(formatDate('2027-01-01')).toBe('1 January 2027');
    expect(formatDate('not a date')).toBe('not a date');
  });
});

describe('names', () => {
  it('names products and roles in plain English', () => {
    expect(productName('pcp')).toBe('Personal contract purchase (PCP)');
    expect(roleName('compliance_approver')).toBe('Compliance approver');
    expect(roleName('financier_new_thing')).toBe('New thing');
  });
});
