// The offer editor's form and the API's OfferInput. Money is typed in pounds
// or euros and sent in minor units; a field that cannot be read is reported
// by the API's own field path ("example.apr"), so the server's refusals and
// the form's own land in the same place.
import type { FutureValue, OfferInput } from '../../app/financier-api';
import { moneyText, parseMoney, parsePercent, parseWhole, type Parsed } from './numbers';

export type Product = 'pcp' | 'hp' | 'pch';

export interface FeeRow {
  name: string;
  amount: string;
  payable: 'upfront' | 'with_first' | 'with_final';
}

export interface FutureValueRow {
  term: string;
  mileage: string;
  value: string;
}

/** OfferForm is the offer editor as typed. */
export interface OfferForm {
  make: string;
  model: string;
  derivative: string;
  imageURL: string;
  videoURL: string;
  captionsURL: string;
  product: Product;
  cashPrice: string;
  /** Terms offered in months, separated by commas: "24, 36, 48". */
  terms: string;
  depositContribution: string;
  futureValues: FutureValueRow[];
  /** Pence (or cent) a mile over the allowance, PCP and PCH. */
  excessMileage: string;
  fees: FeeRow[];
  validFrom: string;
  validTo: string;
  smallPrint: string;
  deposit: string;
  monthlyPayments: string;
  annualMileage: string;
  monthlyPayment: string;
  apr: string;
  aprShare: string;
  aprSource: string;
  initialRentalMonths: string;
  monthlyRental: string;
}

export const EMPTY_OFFER_FORM: OfferForm = {
  make: '',
  model: '',
  derivative: '',
  imageURL: '',
  videoURL: '',
  captionsURL: '',
  product: 'pcp',
  cashPrice: '',
  terms: '',
  depositContribution: '0',
  futureValues: [{ term: '', mileage: '', value: '' }],
  excessMileage: '',
  fees: [],
  validFrom: '',
  validTo: '',
  smallPrint: '',
  deposit: '',
  monthlyPayments: '',
  annualMileage: '',
  monthlyPayment: '',
  apr: '',
  aprShare: '',
  aprSource: '',
  initialRentalMonths: '',
  monthlyRental: '',
};

const text = (n: number | undefined | null) => (n === undefined || n === null ? '' : String(n));

/** offerFormOf fills the form from a saved offer. */
export function offerFormOf(o: OfferInput): OfferForm {
  const ex = o.example;
  return {
    make: o.vehicle.make,
    model: o.vehicle.model,
    derivative: o.vehicle.derivative,
    imageURL: o.vehicle.image_url,
    videoURL: o.vehicle.video_url,
    captionsURL: o.vehicle.captions_url,
    product: (o.product as Product) ?? 'pcp',
    cashPrice: moneyText(o.cash_price),
    terms: o.terms_offered.join(', '),
    depositContribution: moneyText(o.deposit_contribution),
    futureValues: (o.guaranteed_future_values ?? []).map((g) => ({
      term: String(g.term_months),
      mileage: String(g.annual_mileage),
      value: moneyText(g.value),
    })),
    excessMileage: text(o.excess_mileage_charge),
    fees: (o.fees ?? []).map((f) => ({
      name: f.name,
      amount: moneyText(f.amount),
      payable: (f.payable as FeeRow['payable']) || 'upfront',
    })),
    validFrom: o.valid_from,
    validTo: o.valid_to,
    smallPrint: o.small_print,
    deposit: moneyText(ex.deposit),
    monthlyPayments: text(ex.monthly_payments),
    annualMileage: text(ex.annual_mileage),
    monthlyPayment: ex.monthly_payment === undefined ? '' : moneyText(ex.monthly_payment),
    apr: text(ex.apr),
    aprShare: text(ex.apr_basis?.share_percent),
    aprSource: ex.apr_basis?.source ?? '',
    initialRentalMonths: text(ex.initial_rental_months),
    monthlyRental: ex.monthly_rental === undefined ? '' : moneyText(ex.monthly_rental),
  };
}

/** OfferErrors are messages by the API's field path. */
export type OfferErrors = Record<string, string>;

/**
 * offerInputOf turns the form into the API's body. Fields that do not belong
 * to the product (an APR for hire, future values for HP) are left out, as
 * the server would refuse them.
 */
export function offerInputOf(f: OfferForm): { input: OfferInput; errors: OfferErrors } {
  const errors: OfferErrors = {};
  const take = <T>(field: string, p: Parsed<T>, required: string | null): T | undefined => {
    if (p.ok) return p.value;
    if (!p.empty) errors[field] = p.message;
    else if (required) errors[field] = required;
    return undefined;
  };
  const credit = f.product !== 'pch';

  const terms: number[] = [];
  const termParts = f.terms
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of termParts) {
    const p = parseWhole(t, 6, 121);
    if (!p.ok) {
      errors.terms_offered = 'List the terms in months, separated by commas, like 24, 36, 48 (6 to 121 months).';
      break;
    }
    if (!terms.includes(p.value)) terms.push(p.value);
  }
  if (termParts.length === 0) errors.terms_offered = 'List the terms offered, in months, like 24, 36, 48.';
  terms.sort((a, b) => a - b);

  const input: OfferInput = {
    vehicle: {
      make: f.make.trim(),
      model: f.model.trim(),
      derivative: f.derivative.trim(),
      image_url: f.imageURL.trim(),
      video_url: f.videoURL.trim(),
      captions_url: f.captionsURL.trim(),
    },
    cash_price: take('cash_price', parseMoney(f.cashPrice), 'Give the cash price.') ?? 0,
    product: f.product,
    terms_offered: terms,
    deposit_contribution: credit ? (take('deposit_contribution', parseMoney(f.depositContribution), null) ?? 0) : 0,
    valid_from: f.validFrom.trim(),
    valid_to: f.validTo.trim(),
    small_print: f.smallPrint.trim(),
    example: {
      deposit: 0,
      monthly_payments: take('example.monthly_payments', parseWhole(f.monthlyPayments, 1, 120), 'Give the number of monthly payments.') ?? 0,
    },
  };
  if (!input.vehicle.make) errors['vehicle.make'] = 'Name the make.';
  if (!input.vehicle.model) errors['vehicle.model'] = 'Name the model.';
  if (!input.valid_from) errors.valid_from = 'Give the first day the offer is valid.';
  if (!input.valid_to) errors.valid_to = 'Give the last day the offer is valid.';

  if (f.product === 'pcp') {
    const gfvs: FutureValue[] = [];
    f.futureValues.forEach((row, i) => {
      if (!row.term.trim() && !row.mileage.trim() && !row.value.trim()) return;
      const prefix = `guaranteed_future_values[${i}]`;
      const term = take(`${prefix}.term_months`, parseWhole(row.term, 6, 121), 'Give the term in months.');
      const mileage = take(`${prefix}.annual_mileage`, parseWhole(row.mileage, 1, 200_000), 'Give the annual mileage.');
      const value = take(`${prefix}.value`, parseMoney(row.value), 'Give the value.');
      if (term !== undefined && mileage !== undefined && value !== undefined) {
        gfvs.push({ term_months: term, annual_mileage: mileage, value });
      }
    });
    if (gfvs.length === 0 && !Object.keys(errors).some((k) => k.startsWith('guaranteed_future_values'))) {
      errors.guaranteed_future_values = 'A PCP needs its guaranteed future values by term and annual mileage.';
    }
    input.guaranteed_future_values = gfvs;
  }
  if (f.product !== 'hp') {
    const excess = f.excessMileage.trim();
    if (excess) {
      const p = parsePercent(excess, 1000);
      if (p.ok) input.excess_mileage_charge = p.value;
      else if (!p.empty) errors.excess_mileage_charge = 'Give the charge in pence a mile, like 8 or 8.5.';
    }
    input.example.annual_mileage = take('example.annual_mileage', parseWhole(f.annualMileage, 1, 200_000), 'Give the annual mileage of the example.');
  }

  const fees = f.fees
    .map((row, i) => ({ row, i }))
    .filter(({ row }) => row.name.trim() || row.amount.trim());
  if (fees.length > 0) {
    input.fees = fees.map(({ row, i }) => {
      if (!row.name.trim()) errors[`fees[${i}].name`] = 'Name the fee.';
      return { name: row.name.trim(), amount: take(`fees[${i}].amount`, parseMoney(row.amount), 'Give the fee.') ?? 0, payable: row.payable };
    });
  }

  if (credit) {
    input.example.deposit = take('example.deposit', parseMoney(f.deposit), 'Give the customer’s deposit (0 for none).') ?? 0;
    const pay = take('example.monthly_payment', parseMoney(f.monthlyPayment), null);
    if (pay !== undefined) input.example.monthly_payment = pay;
    const apr = take('example.apr', parsePercent(f.apr), 'State the representative APR.');
    if (apr !== undefined) input.example.apr = apr;
    const share = take('example.apr_basis.share_percent', parseWhole(f.aprShare, 0, 100), null);
    const source = f.aprSource.trim();
    if (share !== undefined || source) {
      input.example.apr_basis = { share_percent: share ?? 0, source };
      if (share === undefined && !errors['example.apr_basis.share_percent']) {
        errors['example.apr_basis.share_percent'] = 'Give the share of agreements expected at or below the APR.';
      }
    }
  } else {
    const months = take('example.initial_rental_months', parseWhole(f.initialRentalMonths, 1, 12), 'Give the initial rental in months.');
    if (months !== undefined) input.example.initial_rental_months = months;
    const rental = take('example.monthly_rental', parseMoney(f.monthlyRental), null);
    if (rental !== undefined) input.example.monthly_rental = rental;
  }
  return { input, errors };
}
