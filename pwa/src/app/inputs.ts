// Normalising what people type or paste into the sign-in forms. Each parser
// answers either the value the API wants or a message to show beside the
// field, written for the person, not the programmer.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * parseDateOfBirth accepts a date as people write it in the UK and Ireland
 * (day first: 12/04/1986, 12-4-1986, 12 04 1986, 12.04.1986, 12041986) or
 * as ISO 1986-04-12 (what the browser's autofill gives), and answers
 * YYYY-MM-DD. today is injectable for tests.
 */
export function parseDateOfBirth(input: string, today: Date = new Date()): Parsed<string> {
  const s = input.trim();
  if (s === '') return fail('Enter your date of birth.');
  let day: number;
  let month: number;
  let year: number;
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/))) {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  } else if ((m = s.match(/^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/))) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  } else if ((m = s.match(/^(\d{2})(\d{2})(\d{4})$/))) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  } else {
    return fail('Enter your date of birth as day, month and year, like 12/04/1986.');
  }
  if (month < 1 || month > 12) return fail('The month must be between 1 and 12.');
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return fail('Enter a real date of birth, like 12/04/1986.');
  }
  const todayUTC = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  if (probe.getTime() > todayUTC) return fail('Your date of birth must be in the past.');
  if (year < 1900) return fail('Enter the year in full, like 1986.');
  return ok(`${year}-${pad(month)}-${pad(day)}`);
}

// UK postcodes: outward code (area, district) then inward code (sector digit
// and unit letters). Girobank's GIR 0AA is the one historical exception.
const UK_POSTCODE = /^(GIR0AA|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})$/;
// Irish Eircodes: routing key (letter, two digits, or D6W) then four characters.
const EIRCODE = /^([AC-FHKNPRTV-Y]\d{2}|D6W)[0-9AC-FHKNPRTV-Y]{4}$/;

/**
 * normalisePostcode accepts a UK postcode or an Irish Eircode in any case
 * and spacing and answers it in its written form: "ls14ap" → "LS1 4AP",
 * "d02x285" → "D02 X285".
 */
export function normalisePostcode(input: string): Parsed<string> {
  const s = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (s === '') return fail('Enter your postcode.');
  if (UK_POSTCODE.test(s)) return ok(`${s.slice(0, -3)} ${s.slice(-3)}`);
  if (EIRCODE.test(s)) return ok(`${s.slice(0, 3)} ${s.slice(3)}`);
  return fail('Enter a real postcode, like LS1 4AP.');
}

/** normaliseEmail trims and checks the shape of an email address. */
export function normaliseEmail(input: string): Parsed<string> {
  const s = input.trim();
  if (s === '') return fail('Enter your email address.');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return fail('Enter an email address like name@example.com.');
  return ok(s);
}

/** normaliseCode accepts a 6-digit authenticator code, pasted with spaces or not. */
export function normaliseCode(input: string): Parsed<string> {
  const s = input.replace(/[\s-]/g, '');
  if (s === '') return fail('Enter the 6-digit code from your authenticator app.');
  if (!/^\d{6}$/.test(s)) return fail('The code is 6 digits, like 123456.');
  return ok(s);
}

/** MIN_PASSWORD is the API's rule for staff passwords. */
export const MIN_PASSWORD = 12;

/** checkNewPassword applies the API's password rule before sending. */
export function checkNewPassword(password: string, confirm: string): Parsed<string> {
  if ([...password].length < MIN_PASSWORD) {
    return fail(`Use at least ${MIN_PASSWORD} characters. A few words together work well.`);
  }
  if (password !== confirm) return fail('The two passwords are not the same.');
  return ok(password);
}
