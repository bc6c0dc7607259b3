import { describe, expect, it } from 'vitest';
import { filenameOf } from './download';

describe('filenameOf', () => {
  it('reads plain, quoted and encoded names', () => {
    expect(filenameOf('attachment; filename="dealer-network-template.csv"', 'x.csv')).toBe('dealer-network-template.csv');
    expect(filenameOf('attachment; filename=audit.csv', 'x.csv')).toBe('audit.csv');
    expect(filenameOf("attachment; filename*=UTF-8''audit%202026.csv", 'x.csv')).toBe('audit 2026.csv');
  });

  it('falls back on a missing or unsafe name', () => {
    expect(filenameOf(null, 'x.csv')).toBe('x.csv');
    expect(filenameOf('attachment', 'x.csv')).toBe('x.csv');
    expect(filenameOf('attachment; filename="../../etc/passwd"', 'x.csv')).toBe('passwd');
    expect(filenameOf('attachment; filename=".bashrc"', 'x.csv')).toBe('x.csv');
    expect(filenameOf('attachment; filename="a<b>.csv"', 'x.csv')).toBe('x.csv');
  });
});
