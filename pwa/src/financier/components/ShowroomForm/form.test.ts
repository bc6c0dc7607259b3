import { describe, expect, it } from 'vitest';
import { EMPTY_SHOWROOM, fieldsOf, toInput } from './form';

describe('showroom form', () => {
  it('round-trips a saved showroom', () => {
    const saved = {
      id: 4,
      code: 'DLR004',
      dealer_group: 'Kestrel Motor Group',
      name: 'Kestrel Leeds',
      address_line1: '1 Road',
      town: 'Leeds',
      region: 'Yorkshire',
      postcode: 'LS1 4AP',
      latitude: 53.7997,
      longitude: -1.5492,
      time_zone: 'Europe/London',
      opening_hours: 'Mon-Fri 09:00-18:00; Sat-Sun closed',
      phone: '',
      email: '',
      principal_name: '',
      principal_email: '',
      principal_phone: '',
    };
    const f = fieldsOf(saved);
    expect(f.latitude).toBe('53.7997');
    const { input, errors } = toInput(f);
    expect(errors).toEqual({});
    const { id: _, ...rest } = saved;
    expect(input).toEqual(rest);
  });

  it('upper-cases the code, trims, and reads a typographic minus', () => {
    const { input, errors } = toInput({ ...EMPTY_SHOWROOM, code: ' dlr016 ', name: ' X ', latitude: '53.8', longitude: '\u22121.55' });
    expect(errors).toEqual({});
    expect(input.code).toBe('DLR016');
    expect(input.name).toBe('X');
    expect(input.longitude).toBe(-1.55);
  });

  it('names a coordinate that is not a number', () => {
    const { errors } = toInput({ ...EMPTY_SHOWROOM, latitude: 'north', longitude: '200' });
    expect(Object.keys(errors).sort()).toEqual(['latitude', 'longitude']);
  });
});
