import { describe, expect, it } from 'vitest';
import type { Audience } from '../../app/financier-api';
import { audienceKey, audienceOf, describeAudience, EMPTY_AUDIENCE_FORM, formOf } from './audience-form';

describe('audience form serialisation', () => {
  it('leaves out every rule not set', () => {
    expect(audienceOf(EMPTY_AUDIENCE_FORM)).toEqual({ audience: { include_other_live_campaigns: false }, errors: {} });
  });

  it('writes each rule the way the API reads it', () => {
    const { audience, errors } = audienceOf({
      ...EMPTY_AUDIENCE_FORM,
      monthsMin: '3',
      monthsMax: '6',
      products: ['pcp', 'hp'],
      vehicles: 'Ford, Puma\n\n  Kia \nLand Rover, Range Rover, Evoque',
      equityMin: '-£500',
      equityMax: '',
      dealerCodes: ['DLR002', 'DLR001'],
      regions: ['Yorkshire and the Humber'],
      ageMin: '',
      ageMax: '48',
      includeOtherLive: true,
    });
    expect(errors).toEqual({});
    expect(audience).toEqual({
      include_other_live_campaigns: true,
      months_to_end: { min: 3, max: 6 },
      products: ['hp', 'pcp'],
      vehicles: [{ make: 'Ford', model: 'Puma' }, { make: 'Kia' }, { make: 'Land Rover', model: 'Range Rover, Evoque' }],
      equity: { min: -50000 },
      dealer_codes: ['DLR001', 'DLR002'],
      regions: ['Yorkshire and the Humber'],
      agreement_age_months: { max: 48 },
    });
  });

  it('round-trips saved rules', () => {
    const saved: Audience = {
      months_to_end: { min: 0, max: 12 },
      products: ['pcp'],
      vehicles: [{ make: 'Ford', model: 'Puma' }, { make: 'Kia' }],
      equity: { min: 100000, max: 500050 },
      regions: ['Scotland'],
      agreement_age_months: { min: 12 },
      include_other_live_campaigns: false,
    };
    expect(audienceOf(formOf(saved))).toEqual({ audience: saved, errors: {} });
  });

  it('names each field it cannot read, and a range the wrong way round', () => {
    const { errors } = audienceOf({
      ...EMPTY_AUDIENCE_FORM,
      monthsMin: '9',
      monthsMax: '3',
      vehicles: 'Ford\n, Puma',
      equityMin: 'lots',
      ageMax: '500',
    });
    expect(Object.keys(errors).sort()).toEqual(['ageMax', 'equityMin', 'monthsMax', 'vehicles']);
    expect(errors.vehicles).toMatch(/^Line 2:/);
  });

  it('keys rules the same whatever the order they were set in', () => {
    const a = audienceOf({ ...EMPTY_AUDIENCE_FORM, products: ['pcp'], monthsMin: '1' }).audience;
    const b: Audience = { months_to_end: { min: 1 }, include_other_live_campaigns: false, products: ['pcp'] };
    expect(audienceKey(a)).toBe(audienceKey(b));
    expect(audienceKey(a)).not.toBe(audienceKey({ ...b, include_other_live_campaigns: true }));
    expect(audienceKey(a)).not.toBe(audienceKey({ ...b, months_to_end: { min: 2 } }));
  });

  it('describes rules in words', () => {
    const words = describeAudience(
      { months_to_end: { min: 3, max: 6 }, equity: { min: 0 }, include_other_live_campaigns: false },
      (m) => `£${m / 100}`,
    );
    expect(words).toEqual([
      'Agreement ends in 3 to 6 months',
      'Equity of at least £0',
      'Leaves out agreements already in another live campaign',
    ]);
  });
});
