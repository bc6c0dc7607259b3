// The showroom form's text fields and how they become the API's LocationInput.
import type { LocationInput, Showroom } from '../../../app/financier-api';

/** ShowroomFields is the form: every field as the person typed it. */
export type ShowroomFields = { [K in keyof LocationInput]: string };

export const EMPTY_SHOWROOM: ShowroomFields = {
  code: '',
  dealer_group: '',
  name: '',
  address_line1: '',
  town: '',
  region: '',
  postcode: '',
  latitude: '',
  longitude: '',
  time_zone: 'Europe/London',
  opening_hours: 'Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed',
  phone: '',
  email: '',
  principal_name: '',
  principal_email: '',
  principal_phone: '',
};

/** fieldsOf fills the form from a saved showroom. */
export function fieldsOf(s: Showroom): ShowroomFields {
  const out = { ...EMPTY_SHOWROOM };
  for (const k of Object.keys(EMPTY_SHOWROOM) as Array<keyof ShowroomFields>) {
    const v = s[k];
    out[k] = typeof v === 'number' ? String(v) : (v ?? '');
  }
  return out;
}

/**
 * toInput turns the form into the API's body. Coordinates must be numbers;
 * anything else is reported here, by field, so the server only sees numbers.
 */
export function toInput(f: ShowroomFields): { input: LocationInput; errors: Partial<Record<keyof LocationInput, string>> } {
  const errors: Partial<Record<keyof LocationInput, string>> = {};
  const num = (k: 'latitude' | 'longitude', limit: number): number => {
    const t = f[k].trim().replace(/\u2212/g, '-');
    if (!/^-?\d{1,3}(\.\d+)?$/.test(t) || Math.abs(Number(t)) > limit) {
      errors[k] = `Enter the ${k} as a number between -${limit} and ${limit}, like ${k === 'latitude' ? '53.7997' : '-1.5492'}.`;
      return 0;
    }
    return Number(t);
  };
  const trimmed = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.trim()])) as ShowroomFields;
  const input: LocationInput = {
    ...trimmed,
    code: trimmed.code.toUpperCase(),
    latitude: num('latitude', 90),
    longitude: num('longitude', 180),
  };
  return { input, errors };
}
