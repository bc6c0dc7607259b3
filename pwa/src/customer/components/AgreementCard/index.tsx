import type { Agreement } from '../../../app/api';
import { formatDate, formatMoney, productName } from '../../../app/format';
import './AgreementCard.css';

/** AgreementCard shows one agreement: the car, what is paid and when it ends. */
export function AgreementCard({ agreement: a }: { agreement: Agreement }) {
  const id = `agreement-${a.id}`;
  const v = a.vehicle;
  return (
    <article class="kt-agreement" aria-labelledby={id}>
      <h2 class="kt-agreement__title" id={id}>
        {v.make} {v.model}
      </h2>
      <p class="kt-agreement__sub">{v.derivative}</p>
      <p class="kt-agreement__reg">
        <span class="kt-visually-hidden">Registration </span>
        {v.registration}
      </p>
      <dl class="kt-facts">
        <dt>Monthly payment</dt>
        <dd>{formatMoney(a.monthly_payment, a.currency)}</dd>
        <dt>Payments left</dt>
        <dd>{a.payments_left}</dd>
        <dt>Agreement ends</dt>
        <dd>{formatDate(a.end_date)}</dd>
        {a.optional_final_payment !== null && (
          <>
            <dt>Optional final payment</dt>
            <dd>{formatMoney(a.optional_final_payment, a.currency)}</dd>
          </>
        )}
        <dt>Type of finance</dt>
        <dd>{productName(a.product)}</dd>
        <dt>Agreement number</dt>
        <dd>{a.agreement_number}</dd>
      </dl>
    </article>
  );
}
