import { describe, expect, it } from 'vitest';
import { fieldIds } from './ids';

describe('fieldIds', () => {
  it('describes the input by its hint and error, in reading order', () => {
    expect(fieldIds('dob', true, true).describedBy).toBe('dob-hint dob-error');
    expect(fieldIds('dob', false, true).describedBy).toBe('dob-error');
    expect(fieldIds('dob', true, false).describedBy).toBe('dob-hint');
  });

  it('leaves aria-describedby out when there is nothing to describe', () => {
    expect(fieldIds('dob', false, false).describedBy).toBeUndefined();
  });
});
