// How an offer is shown "as the customer will see it", beside the editor and
// on the approver's checklist. The figures all come from the finance engine
// (the server); this module only decides what may be shown and how, by the
// rules of CONC 3.5 (RULES C1–C4):
//   C1 a cost figure (a trigger) is shown only with the full representative
//      example in the same view; no example from the server → no figures;
//   C2 every line the engine wrote is shown, in its order, none dropped;
//   C3 the block is labelled "Representative example" (the engine's title),
//      its items together and equally prominent, and no other cost figure is
//      more prominent than they are;
//   C4 an incentive (a deposit contribution) makes the representative APR
//      more prominent than the incentive.
import type { ExampleLine, OfferView, RepresentativeExample } from '../../app/financier-api';
import { formatMoney } from '../../app/format';

/** HeadlineFigure is a cost figure the offer card leads with (a trigger). */
export interface HeadlineFigure {
  label: string;
  value: string;
}

/** Presentation is what the customer's offer card shows. */
export interface Presentation {
  vehicle: string;
  /** Trigger figures; empty when there is no example to go with them (C1). */
  headline: HeadlineFigure[];
  /** The incentive, if any ("£1,000.00 deposit contribution"). */
  incentive: string | null;
  example: RepresentativeExample | null;
  /** The APR line, set when C4 asks for it to stand out. */
  aprLine: ExampleLine | null;
  /** C4: the APR is larger than the incentive. */
  emphasiseAPR: boolean;
}

/** isCredit says whether the offer is credit (has an APR), not hire. */
export function isCredit(product: string): boolean {
  return product === 'pcp' || product === 'hp';
}

/** present works out the customer's view of an offer. */
export function present(o: Pick<OfferView, 'vehicle' | 'product' | 'deposit_contribution' | 'representative_example' | 'quote'>): Presentation {
  const vehicle = [o.vehicle.make, o.vehicle.model, o.vehicle.derivative].map((s) => s.trim()).filter(Boolean).join(' ');
  const ex = o.representative_example;
  const q = o.quote;
  if (!ex || !q || ex.lines.length === 0) {
    return { vehicle, headline: [], incentive: null, example: null, aprLine: null, emphasiseAPR: false };
  }
  const money = (minor: number) => formatMoney(minor, q.currency || 'GBP');
  const headline: HeadlineFigure[] = [];
  if (isCredit(o.product) && q.monthly_payment !== undefined && q.monthly_payments) {
    headline.push({ label: `${q.monthly_payments} monthly payments of`, value: money(q.monthly_payment) });
  } else if (!isCredit(o.product) && q.monthly_rental !== undefined && q.monthly_rentals) {
    headline.push({ label: `${q.monthly_rentals} monthly rentals of`, value: money(q.monthly_rental) });
  }
  const incentive = isCredit(o.product) && o.deposit_contribution > 0 ? `${money(o.deposit_contribution)} deposit contribution` : null;
  const aprLine = ex.lines.find((l) => l.item === 'representative_apr') ?? null;
  return { vehicle, headline, incentive, example: ex, aprLine: incentive ? aprLine : null, emphasiseAPR: incentive !== null && aprLine !== null };
}

/** isLabelled checks C3's label: a credit example is titled "Representative example…", hire "Example…". */
export function isLabelled(ex: RepresentativeExample, product: string): boolean {
  return isCredit(product) ? ex.title.startsWith('Representative example') : /^(Representative example|Example)\b/.test(ex.title);
}
