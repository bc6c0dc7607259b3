import { describe, expect, it } from 'vitest';
import type { OfferView, RepresentativeExample } from '../../app/financier-api';
import { isLabelled, present } from './example';

const example: RepresentativeExample = {
  title: 'Representative example: personal contract purchase',
  market: 'GB',
  language: 'en',
  rate_shown: 'nominal',
  text: '',
  lines: [
    { item: 'rate_of_interest', label: 'Fixed rate of interest (nominal)', value: '6.71% a year', rule: 'CONC 3.5.5R(1)(a)' },
    { item: 'total_amount_of_credit', label: 'Total amount of credit', value: '£21,495.00', amount: 2149500, rule: 'CONC 3.5.5R(1)(c)' },
    { item: 'representative_apr', label: 'Representative APR', value: '6.9% APR', rule: 'CONC 3.5.5R(1)(d)' },
    { item: 'cash_price', label: 'Cash price', value: '£24,995.00', amount: 2499500, rule: 'CONC 3.5.5R(1)(e)' },
    { item: 'repayment', label: '36 monthly payments of', value: '£229.00', amount: 22900, rule: 'CONC 3.5.5R(1)(h)' },
  ],
};

const offer = (over: Partial<OfferView> = {}) =>
  ({
    vehicle: { make: 'Ford', model: 'Puma', derivative: ' Titanium ', image_url: '', video_url: '', captions_url: '' },
    product: 'pcp',
    deposit_contribution: 0,
    representative_example: example,
    quote: {
      product: 'pcp',
      currency: 'GBP',
      monthly_payment: 22900,
      monthly_payments: 36,
      duration_months: 37,
      representative_example: example,
    },
    ...over,
  }) as OfferView;

describe('present (RULES C1–C4)', () => {
  it('leads with the monthly payment and keeps every line of the example, in order', () => {
    const p = present(offer());
    expect(p.vehicle).toBe('Ford Puma Titanium');
    expect(p.headline).toEqual([{ label: '36 monthly payments of', value: '£229.00' }]);
    expect(p.example!.lines.map((l) => l.item)).toEqual(example.lines.map((l) => l.item));
    expect(p.emphasiseAPR).toBe(false);
    expect(p.incentive).toBeNull();
  });

  it('shows no figure at all without the server’s example (C1)', () => {
    for (const o of [offer({ representative_example: null }), offer({ quote: null }), offer({ representative_example: { ...example, lines: [] } })]) {
      const p = present(o);
      expect(p.headline).toEqual([]);
      expect(p.incentive).toBeNull();
      expect(p.example).toBeNull();
    }
  });

  it('makes the APR stand out beside an incentive (C4)', () => {
    const p = present(offer({ deposit_contribution: 100000 }));
    expect(p.incentive).toBe('£1,000.00 deposit contribution');
    expect(p.emphasiseAPR).toBe(true);
    expect(p.aprLine?.value).toBe('6.9% APR');
  });

  it('gives hire no APR and no incentive, and leads with the rental', () => {
    const hire = { ...example, title: 'Example: personal contract hire', lines: [{ item: 'initial_rental', label: 'Initial rental', value: '£1,794.00', rule: 'CONC 3.3.1R' }] };
    const p = present(
      offer({
        product: 'pch',
        deposit_contribution: 0,
        representative_example: hire,
        quote: { product: 'pch', currency: 'GBP', monthly_rental: 29900, monthly_rentals: 35, duration_months: 36, representative_example: hire },
      }),
    );
    expect(p.headline).toEqual([{ label: '35 monthly rentals of', value: '£299.00' }]);
    expect(p.emphasiseAPR).toBe(false);
    expect(isLabelled(hire, 'pch')).toBe(true);
  });

  it('checks the label (C3)', () => {
    expect(isLabelled(example, 'pcp')).toBe(true);
    expect(isLabelled({ ...example, title: 'Example: hire purchase' }, 'hp')).toBe(false);
  });

  it('formats in the offer’s currency', () => {
    const p = present(offer({ quote: { ...offer().quote!, currency: 'EUR' } }));
    expect(p.headline[0]!.value).toBe('€229.00');
  });
});
