import { useEffect, useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Notice } from '../../ui/Notice';
import { Tag } from '../../ui/Tag';
import type { CampaignSummary } from '../../app/financier-api';
import { formatDate } from '../../app/format';
import { describeError } from '../../app/messages';
import { idParam } from '../../app/query';
import { useRouter } from '../../app/router';
import { Frame } from '../../staff/Frame';
import { canEditCampaigns } from '../access';
import { STATUS_LABEL, STATUS_TONE } from '../campaign/status';
import { CampaignSettings } from '../components/CampaignSettings';
import { fin, search, store } from '../state';
import { CampaignPage } from './Campaign';

const count = new Intl.NumberFormat('en-GB');

/** Campaigns is the list of campaigns, or one campaign when the query names it (campaigns?id=12). */
export function Campaigns() {
  const id = idParam(search.value);
  if (id) return <CampaignPage key={id} id={id} />;
  return <CampaignList />;
}

function CampaignList() {
  const subject = store.session.value!.subject;
  const router = useRouter();
  const [items, setItems] = useState<CampaignSummary[] | null>(null);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    fin
      .campaigns()
      .then((r) => setItems(r.campaigns))
      .catch((err: unknown) => setFailure(describeError(err)));
  }, []);

  return (
    <Frame title="Campaigns">
      <p>
        From the customers whose agreements end soon to a live, approved campaign: the audience, the offers with their
        representative examples, and the messages of the journey.
      </p>
      {failure && <Notice tone="error">{failure}</Notice>}
      <h2>Your campaigns</h2>
      {items === null ? (
        !failure && <p role="status">Loading campaigns…</p>
      ) : items.length === 0 ? (
        <p>No campaigns yet.</p>
      ) : (
        <ul class="kt-campaign-list">
          {items.map((c) => (
            <li key={c.id} class="kt-card kt-campaign-list__item">
              <h3 class="kt-campaign-list__name">
                <AppLink to={`campaigns?id=${c.id}`}>{c.name}</AppLink>
              </h3>
              <p class="kt-campaign-list__meta">
                <Tag tone={STATUS_TONE[c.status]}>{STATUS_LABEL[c.status]}</Tag>{' '}
                <span>
                  {formatDate(c.start_date)} to {formatDate(c.end_date)}
                </span>
              </p>
              <p class="kt-muted kt-campaign-list__counts">
                {c.offers} {c.offers === 1 ? 'offer' : 'offers'} · {c.steps} {c.steps === 1 ? 'step' : 'steps'} ·{' '}
                {count.format(c.enrolled)} enrolled
              </p>
            </li>
          ))}
        </ul>
      )}
      {canEditCampaigns(subject) && (
        <section class="kt-card kt-section" aria-labelledby="new-campaign">
          <h2 id="new-campaign">New campaign</h2>
          <p class="kt-muted">Start with a name and dates; the audience, offers and journey come next.</p>
          <CampaignSettings
            id="new-campaign"
            submitLabel="Create the draft"
            save={(input) => fin.createCampaign(input)}
            onSaved={(c) => router.navigate(`campaigns?id=${c.id}&tab=audience`)}
          />
        </section>
      )}
    </Frame>
  );
}
