import { RepresentativeExample } from '../../../ui/RepresentativeExample';
import type { OfferView } from '../../../app/financier-api';
import { formatDate } from '../../../app/format';
import { present } from '../../campaign/example';
import './OfferCard.css';

/**
 * OfferCard is an offer as the customer will see it in the app: the car, the
 * figure it leads with, and the representative example the finance engine
 * computed, together in one view (RULES C1–C4). Without an example from the
 * server it shows no figure at all.
 */
export function OfferCard({ id, offer, level = 3 }: { id: string; offer: Pick<OfferView, 'vehicle' | 'product' | 'deposit_contribution' | 'representative_example' | 'quote' | 'small_print' | 'valid_from' | 'valid_to'>; level?: 3 | 4 }) {
  const p = present(offer);
  const Heading = `h${level}` as 'h3';
  return (
    <article class="kt-offer-card" aria-labelledby={`${id}-vehicle`} data-offer-card="">
      <Heading id={`${id}-vehicle`} class="kt-offer-card__vehicle">
        {p.vehicle || 'Your next car'}
      </Heading>
      {p.example ? (
        <>
          {p.headline.map((h) => (
            <p key={h.label} class="kt-offer-card__figure">
              {h.label} {h.value}
            </p>
          ))}
          {p.incentive && <p class="kt-offer-card__incentive">{p.incentive}</p>}
          {p.emphasiseAPR && p.aprLine && (
            <p class="kt-offer-card__apr" data-apr="">
              {p.aprLine.value} representative
            </p>
          )}
          <RepresentativeExample id={`${id}-example`} example={p.example} emphasiseAPR={p.emphasiseAPR} level={(level + 1) as 4} />
        </>
      ) : (
        <p class="kt-offer-card__none">
          No figures can be shown: the finance engine has not produced a representative example for this offer.
        </p>
      )}
      {offer.small_print && <p class="kt-offer-card__small">{offer.small_print}</p>}
      {offer.valid_from && offer.valid_to && (
        <p class="kt-offer-card__small">
          Offer valid from {formatDate(offer.valid_from)} to {formatDate(offer.valid_to)}.
        </p>
      )}
    </article>
  );
}
