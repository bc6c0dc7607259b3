import { describe, expect, it } from 'vitest';
import type { OfferInput } from '../../app/financier-api';
import { EMPTY_OFFER_FORM, offerFormOf, offerInputOf, type OfferForm } from './offer-form';

const pcp: OfferForm = {
  ...EMPTY_OFFER_FORM,
  make: 'Ford',
  model: 'Puma',
  derivative: '1.0 EcoBoost Titanium',
  product: 'pcp',
  cashPrice: '24,995',
  terms: '37, 49 , 37',
  depositContribution: '1,000',
  futureValues: [
    { term: '37', mileage: '10000', value: '12,500' },
    { term: '', mileage: '', value: '' },
  ],
  excessMileage: '8',
  fees: [{ name: 'Option to purchase fee', amount: '10', payable: 'with_final' }],
  validFrom: '2026-12-01',
  validTo: '2027-03-31',
  smallPrint: ' Subject to status. ',
  deposit: '2,500',
  monthlyPayments: '36',
  annualMileage: '10000',
  apr: '6.9',
  aprShare: '51',
  aprSource: 'Last quarter’s book',
};

describe('offer form serialisation', () => {
  it('writes a PCP the way the API reads it', () => {
    const { input, errors } = offerInputOf(pcp);
    expect(errors).toEqual({});
    expect(input).toEqual<OfferInput>({
      vehicle: { make: 'Ford', model: 'Puma', derivative: '1.0 EcoBoost Titanium', image_url: '', video_url: '', captions_url: '' },
      cash_price: 2499500,
      product: 'pcp',
      terms_offered: [37, 49],
      deposit_contribution: 100000,
      guaranteed_future_values: [{ term_months: 37, annual_mileage: 10000, value: 1250000 }],
      excess_mileage_charge: 8,
      fees: [{ name: 'Option to purchase fee', amount: 1000, payable: 'with_final' }],
      valid_from: '2026-12-01',
      valid_to: '2027-03-31',
      small_print: 'Subject to status.',
      example: {
        deposit: 250000,
        monthly_payments: 36,
        annual_mileage: 10000,
        apr: 6.9,
        apr_basis: { share_percent: 51, source: 'Last quarter’s book' },
      },
    });
  });

  it('round-trips a saved offer', () => {
    const { input } = offerInputOf(pcp);
    expect(offerInputOf(offerFormOf(input))).toEqual({ input, errors: {} });
  });

  it('leaves out what the product does not have', () => {
    const hp = offerInputOf({ ...pcp, product: 'hp', terms: '36' }).input;
    expect(hp.guaranteed_future_values).toBeUndefined();
    expect(hp.excess_mileage_charge).toBeUndefined();
    expect(hp.example.annual_mileage).toBeUndefined();
    expect(hp.example.apr).toBe(6.9);

    const { input: pch, errors } = offerInputOf({ ...pcp, product: 'pch', initialRentalMonths: '6', monthlyRental: '299' });
    expect(errors).toEqual({});
    expect(pch.deposit_contribution).toBe(0);
    expect(pch.example).toEqual({ deposit: 0, monthly_payments: 36, annual_mileage: 10000, initial_rental_months: 6, monthly_rental: 29900 });
    expect(pch.guaranteed_future_values).toBeUndefined();
  });

  it('reports each field it cannot read by the API field path', () => {
    const { errors } = offerInputOf({
      ...EMPTY_OFFER_FORM,
      cashPrice: 'a lot',
      terms: '36, soon',
      futureValues: [{ term: '37', mileage: '', value: '12,500' }],
      apr: '6.99%x',
      aprSource: 'the book',
    });
    expect(Object.keys(errors).sort()).toEqual([
      'cash_price',
      'example.annual_mileage',
      'example.apr',
      'example.apr_basis.share_percent',
      'example.deposit',
      'example.monthly_payments',
      'guaranteed_future_values[0].annual_mileage',
      'terms_offered',
      'valid_from',
      'valid_to',
      'vehicle.make',
      'vehicle.model',
    ]);
  });

  it('keeps a stated monthly payment, which the server reconciles with the APR', () => {
    expect(offerInputOf({ ...pcp, monthlyPayment: '229.00' }).input.example.monthly_payment).toBe(22900);
  });
});
