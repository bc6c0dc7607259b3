// The audience builder's form and the API's Audience: the form keeps what
// the marketer typed (text), the API takes numbers and lists with empty
// rules left out. audienceOf reports each field it cannot read, so a rule is
// never silently dropped.
import type { Audience, IntRange } from '../../app/financier-api';
import { moneyText, parseMoney, parseWhole } from './numbers';

/** AudienceForm is the audience builder as typed. */
export interface AudienceForm {
  monthsMin: string;
  monthsMax: string;
  products: string[];
  /** One rule a line: a make ("Kia"), or a make and model ("Ford, Puma"). */
  vehicles: string;
  /** Equity band in pounds or euros; negative is allowed. */
  equityMin: string;
  equityMax: string;
  dealerCodes: string[];
  regions: string[];
  ageMin: string;
  ageMax: string;
  includeOtherLive: boolean;
}

export type AudienceField = 'monthsMin' | 'monthsMax' | 'vehicles' | 'equityMin' | 'equityMax' | 'ageMin' | 'ageMax';

export const EMPTY_AUDIENCE_FORM: AudienceForm = {
  monthsMin: '',
  monthsMax: '',
  products: [],
  vehicles: '',
  equityMin: '',
  equityMax: '',
  dealerCodes: [],
  regions: [],
  ageMin: '',
  ageMax: '',
  includeOtherLive: false,
};

const str = (n: number | undefined) => (n === undefined ? '' : String(n));

/** formOf fills the form from saved rules. */
export function formOf(a: Audience | null | undefined): AudienceForm {
  if (!a) return { ...EMPTY_AUDIENCE_FORM };
  return {
    monthsMin: str(a.months_to_end?.min),
    monthsMax: str(a.months_to_end?.max),
    products: [...(a.products ?? [])],
    vehicles: (a.vehicles ?? []).map((v) => (v.model ? `${v.make}, ${v.model}` : v.make)).join('\n'),
    equityMin: a.equity?.min === undefined ? '' : moneyText(a.equity.min),
    equityMax: a.equity?.max === undefined ? '' : moneyText(a.equity.max),
    dealerCodes: [...(a.dealer_codes ?? [])],
    regions: [...(a.regions ?? [])],
    ageMin: str(a.agreement_age_months?.min),
    ageMax: str(a.agreement_age_months?.max),
    includeOtherLive: a.include_other_live_campaigns,
  };
}

const MAX_VEHICLES = 50;

/** audienceOf turns the form into the API's rules, or says which fields it cannot read. */
export function audienceOf(f: AudienceForm): { audience: Audience; errors: Partial<Record<AudienceField, string>> } {
  const errors: Partial<Record<AudienceField, string>> = {};
  const range = (
    minKey: AudienceField,
    maxKey: AudienceField,
    read: (t: string) => ReturnType<typeof parseWhole>,
    what: string,
  ): IntRange | undefined => {
    const r: IntRange = {};
    const lo = read(f[minKey] as string);
    const hi = read(f[maxKey] as string);
    if (lo.ok) r.min = lo.value;
    else if (!lo.empty) errors[minKey] = lo.message;
    if (hi.ok) r.max = hi.value;
    else if (!hi.empty) errors[maxKey] = hi.message;
    if (r.min !== undefined && r.max !== undefined && r.min > r.max) {
      errors[maxKey] = `The most ${what} must not be less than the least.`;
    }
    return r.min === undefined && r.max === undefined ? undefined : r;
  };

  const audience: Audience = { include_other_live_campaigns: f.includeOtherLive };
  const months = range('monthsMin', 'monthsMax', (t) => parseWhole(t, 0, 60), 'months');
  if (months) audience.months_to_end = months;
  if (f.products.length > 0) audience.products = [...f.products].sort();

  const lines = f.vehicles
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > MAX_VEHICLES) errors.vehicles = `At most ${MAX_VEHICLES} makes and models.`;
  const vehicles = lines.map((l) => {
    const [make = '', ...rest] = l.split(',');
    const model = rest.join(',').trim();
    return model ? { make: make.trim(), model } : { make: make.trim() };
  });
  const bad = vehicles.findIndex((v) => v.make === '' || v.make.length > 60 || (v.model ?? '').length > 60);
  if (bad >= 0) errors.vehicles = `Line ${bad + 1}: write a make, or a make and a model separated by a comma, like: Ford, Puma.`;
  if (vehicles.length > 0) audience.vehicles = vehicles;

  const equity = range(
    'equityMin',
    'equityMax',
    (t) => {
      const p = parseMoney(t, { negative: true });
      return p;
    },
    'equity',
  );
  if (equity) audience.equity = equity;
  if (f.dealerCodes.length > 0) audience.dealer_codes = [...f.dealerCodes].sort();
  if (f.regions.length > 0) audience.regions = [...f.regions].sort();
  const age = range('ageMin', 'ageMax', (t) => parseWhole(t, 0, 120), 'months');
  if (age) audience.agreement_age_months = age;
  return { audience, errors };
}

/** audienceKey is the same for rules that mean the same: the builder previews only when it changes. */
export function audienceKey(a: Audience): string {
  return stableJSON(a);
}

/** stableJSON is JSON with every object's keys sorted. */
export function stableJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJSON(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** describeAudience says the rules in a sentence each, for the approver and the campaign summary. */
export function describeAudience(a: Audience, money: (minor: number) => string): string[] {
  const out: string[] = [];
  const span = (r: IntRange, unit: string) =>
    r.min !== undefined && r.max !== undefined
      ? `${r.min} to ${r.max} ${unit}`
      : r.min !== undefined
        ? `at least ${r.min} ${unit}`
        : `at most ${r.max} ${unit}`;
  if (a.months_to_end) out.push(`Agreement ends in ${span(a.months_to_end, 'months')}`);
  if (a.products?.length) out.push(`Product: ${a.products.map((p) => p.toUpperCase()).join(', ')}`);
  if (a.vehicles?.length) out.push(`Vehicle: ${a.vehicles.map((v) => (v.model ? `${v.make} ${v.model}` : v.make)).join(', ')}`);
  if (a.equity) {
    const e = a.equity;
    out.push(
      e.min !== undefined && e.max !== undefined
        ? `Equity from ${money(e.min)} to ${money(e.max)}`
        : e.min !== undefined
          ? `Equity of at least ${money(e.min)}`
          : `Equity of at most ${money(e.max!)}`,
    );
  }
  if (a.dealer_codes?.length || a.regions?.length) {
    const parts = [...(a.dealer_codes ?? []), ...(a.regions ?? [])];
    out.push(`Dealer or region: ${parts.join(', ')}`);
  }
  if (a.agreement_age_months) out.push(`Agreement started ${span(a.agreement_age_months, 'months')} ago`);
  if (out.length === 0) out.push('Every agreement (no rules set)');
  out.push(
    a.include_other_live_campaigns
      ? 'Includes agreements already in another live campaign'
      : 'Leaves out agreements already in another live campaign',
  );
  return out;
}
