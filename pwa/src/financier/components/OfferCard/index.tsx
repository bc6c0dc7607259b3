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
      {/* The heading names the car, so its picture adds nothing for a screen reader. */}
      {offer.vehicle.image_url && <img class="kt-offer-card__image" src={offer.vehicle.image_url} alt="" loading="lazy" decoding="async" />}
      {offer.vehicle.video_url && (
        <video class="kt-offer-card__video" controls preload="metadata" src={offer.vehicle.video_url} aria-label={`Video: ${p.vehicle || 'the car'}`}>
          {offer.vehicle.captions_url && <track kind="captions" src={offer.vehicle.captions_url} srclang="en" label="English" default />}
        </video>
      )}
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
