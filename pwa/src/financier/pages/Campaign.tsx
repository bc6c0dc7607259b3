import { useEffect, useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Button } from '../../ui/Button';
import { Notice } from '../../ui/Notice';
import { Stats } from '../../ui/Stat';
import { Tag } from '../../ui/Tag';
import type { CampaignView, EnrolmentView, OfferView } from '../../app/financier-api';
import { ApiError } from '../../app/errors';
import { formatDate, formatDateTime, formatMoney } from '../../app/format';
import { describeError } from '../../app/messages';
import { param } from '../../app/query';
import { Frame } from '../../staff/Frame';
import { canEditCampaigns, canPause, canSeeAudit } from '../access';
import { describeAudience } from '../campaign/audience-form';
import { editable, editNote, STATUS_LABEL, STATUS_TONE, tabOf, type CampaignTab } from '../campaign/status';
import { ApprovalPanel, problemText } from '../components/ApprovalPanel';
import { AudienceBuilder } from '../components/AudienceBuilder';
import { CampaignSettings } from '../components/CampaignSettings';
import { CampaignTabs } from '../components/CampaignTabs';
import { JourneyEditor } from '../components/JourneyEditor';
import { OfferCard } from '../components/OfferCard';
import { OfferEditor } from '../components/OfferEditor';
import { shortDate } from '../format';
import { currencySymbol, fin, loadOverview, network, overview, search, store } from '../state';

const count = new Intl.NumberFormat('en-GB');

/** CampaignPage is one campaign: its overview and actions, audience, offers, journey and approval. */
export function CampaignPage({ id }: { id: number }) {
  const [campaign, setCampaign] = useState<CampaignView | null>(null);
  const [failure, setFailure] = useState<string>();
  const tab = tabOf(param(search.value, 'tab'));

  useEffect(() => {
    fin
      .campaign(id)
      .then(setCampaign)
      .catch((err: unknown) =>
        setFailure(err instanceof ApiError && err.is('not-found') ? 'There is no such campaign.' : describeError(err)),
      );
    void loadOverview().catch(() => {});
    if (!network.value) {
      fin
        .dealerNetwork()
        .then((r) => (network.value = r.groups))
        .catch(() => {});
    }
  }, [id]);

  if (!campaign) {
    return (
      <Frame title={failure ? 'Campaign not found' : 'Campaign'}>
        <AppLink to="campaigns" class="kt-back">
          All campaigns
        </AppLink>
        {failure ? <Notice tone="error">{failure}</Notice> : <p role="status">Loading the campaign…</p>}
      </Frame>
    );
  }
  return <Loaded campaign={campaign} tab={tab} onChange={setCampaign} />;
}

function Loaded({ campaign: c, tab, onChange }: { campaign: CampaignView; tab: CampaignTab; onChange: (c: CampaignView) => void }) {
  const subject = store.session.value!.subject;
  const builder = canEditCampaigns(subject);
  const canEdit = builder && editable(c.status);
  const currency = overview.value?.financier.currency ?? 'GBP';
  const note = builder ? editNote(c.status) : null;
  const reload = () => fin.campaign(c.id).then(onChange);

  return (
    <Frame title={c.name}>
      <AppLink to="campaigns" class="kt-back">
        All campaigns
      </AppLink>
      <p class="kt-campaign-status">
        <Tag tone={STATUS_TONE[c.status]}>{STATUS_LABEL[c.status]}</Tag>{' '}
        <span>
          {formatDate(c.start_date)} to {formatDate(c.end_date)}
        </span>
      </p>
      <CampaignTabs id={c.id} current={tab} />
      {note && tab !== 'overview' && tab !== 'approval' && (
        <Notice tone={c.status === 'live' || c.status === 'ended' ? 'info' : 'warning'} live={false}>
          {note}
        </Notice>
      )}
      {tab === 'overview' && <Overview campaign={c} currency={currency} onChange={onChange} />}
      {tab === 'audience' && (
        <>
          <h2>Audience</h2>
          <AudienceBuilder
            campaign={c}
            canEdit={canEdit}
            network={network.value}
            currencySymbol={currencySymbol(currency)}
            onSaved={onChange}
          />
        </>
      )}
      {tab === 'offers' && <Offers campaign={c} canEdit={canEdit} currency={currency} reload={reload} />}
      {tab === 'journey' && (
        <>
          <h2>Journey</h2>
          <JourneyEditor
            campaign={c}
            canEdit={canEdit}
            appName={overview.value?.financier.name ?? 'Your finance company'}
            onSaved={() => void reload()}
          />
        </>
      )}
      {tab === 'approval' && (
        <>
          <h2>Approval</h2>
          <ApprovalPanel campaign={c} currency={currency} onChanged={onChange} />
        </>
      )}
    </Frame>
  );
}

/** Overview is the campaign at a glance, what happens next, and its settings. */
function Overview({ campaign: c, currency, onChange }: { campaign: CampaignView; currency: string; onChange: (c: CampaignView) => void }) {
  const subject = store.session.value!.subject;
  const builder = canEditCampaigns(subject);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string>();
  const [news, setNews] = useState<string>();

  async function act(action: 'submit' | 'launch' | 'pause' | 'end', done: string) {
    setFailure(undefined);
    setNews(undefined);
    setBusy(action);
    try {
      onChange(await fin.transition(c.id, action));
      setNews(done);
    } catch (err) {
      setFailure(problemText(err));
    } finally {
      setBusy(null);
    }
  }

  const launched = c.status === 'live' || c.status === 'paused' || c.status === 'ended';
  return (
    <>
      {news && <Notice tone="success">{news}</Notice>}
      {failure && (
        <Notice tone="error" title="That did not go through">
          <p>{failure}</p>
        </Notice>
      )}
      {c.rejection_reason && c.status === 'draft' && (
        <Notice tone="warning" title="The approver sent it back" live={false}>
          <p>{c.rejection_reason}</p>
        </Notice>
      )}
      <Stats
        label="This campaign"
        items={[
          { label: 'Offers', value: c.offers.length },
          { label: 'Journey steps', value: c.journey.length },
          { label: 'Enrolled', value: c.enrolled ?? 0 },
          { label: 'Messages a week, at most', value: c.frequency_cap_per_week },
        ]}
      />
      <section class="kt-card kt-section" aria-labelledby="next-heading">
        <h2 id="next-heading">Next step</h2>
        {c.status === 'draft' && (
          <>
            <p>When the audience, at least one offer and the journey are ready, submit it: a compliance approver who did not write it then checks and approves it.</p>
            {builder && (
              <Button busy={busy === 'submit'} onClick={() => void act('submit', 'Submitted: a compliance approver will review it.')}>
                Submit for approval
              </Button>
            )}
          </>
        )}
        {c.status === 'submitted' && (
          <>
            <p>Waiting for a compliance approver.</p>
            <p class="kt-links">
              <AppLink to={`campaigns?id=${c.id}&tab=approval`}>See the approval checklist</AppLink>
            </p>
          </>
        )}
        {c.status === 'approved' && (
          <>
            <p>Approved{c.approved_at ? ` on ${formatDateTime(new Date(c.approved_at))}` : ''}. Launching it enrols every matching customer now, and newcomers as they match.</p>
            {builder && (
              <Button busy={busy === 'launch'} onClick={() => void act('launch', 'The campaign is live. Customers are being enrolled.')}>
                Launch the campaign
              </Button>
            )}
          </>
        )}
        {c.status === 'live' && (
          <>
            <p>Live{c.launched_at ? ` since ${formatDateTime(new Date(c.launched_at))}` : ''}. Pausing stops the journey's messages; enrolments stay.</p>
            <div class="kt-actions">
              {canPause(subject) && (
                <Button variant="secondary" busy={busy === 'pause'} onClick={() => void act('pause', 'The campaign is paused.')}>
                  Pause the campaign
                </Button>
              )}
              {builder && (
                <Button variant="danger" busy={busy === 'end'} onClick={() => void act('end', 'The campaign has ended.')}>
                  End the campaign
                </Button>
              )}
            </div>
          </>
        )}
        {c.status === 'paused' && (
          <>
            <p>Paused. Launch it again as it was approved, or change it (it then needs approval again).</p>
            {builder && (
              <div class="kt-actions">
                <Button busy={busy === 'launch'} onClick={() => void act('launch', 'The campaign is live again.')}>
                  Launch again
                </Button>
                <Button variant="danger" busy={busy === 'end'} onClick={() => void act('end', 'The campaign has ended.')}>
                  End the campaign
                </Button>
              </div>
            )}
          </>
        )}
        {c.status === 'ended' && <p>Ended{c.ended_at ? ` on ${formatDateTime(new Date(c.ended_at))}` : ''}.</p>}
      </section>
      <section class="kt-card kt-section" aria-labelledby="aud-summary">
        <h2 id="aud-summary">Audience</h2>
        <ul class="kt-inline-list">
          {describeAudience(c.audience, (m) => formatMoney(m, currency)).map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        <p class="kt-links">
          <AppLink to={`campaigns?id=${c.id}&tab=audience`}>Audience and live count</AppLink>
        </p>
      </section>
      {launched && <Enrolments campaignID={c.id} total={c.enrolled ?? 0} />}
      {canSeeAudit(subject) && (
        <p class="kt-links">
          <AppLink to={`audit?object_type=campaign&object_id=${c.id}`}>This campaign’s audit trail</AppLink>
        </p>
      )}
      {builder && editable(c.status) && (
        <section class="kt-card kt-section" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          {editNote(c.status) && <p class="kt-muted">{editNote(c.status)}</p>}
          <CampaignSettings
            id="settings"
            campaign={c}
            submitLabel="Save the settings"
            save={(input) => fin.updateCampaign(c.id, input)}
            onSaved={(next) => {
              onChange(next);
              setNews('The settings are saved.');
            }}
          />
        </section>
      )}
    </>
  );
}

/** Enrolments lists who the campaign enrolled, through which agreement, and who left, 25 at a time. */
function Enrolments({ campaignID, total }: { campaignID: number; total: number }) {
  const [items, setItems] = useState<EnrolmentView[] | null>(null);
  const [more, setMore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const page = 25;

  async function load(offset: number) {
    setBusy(true);
    try {
      const r = await fin.enrolments(campaignID, page, offset);
      setItems((prev) => (offset === 0 ? r.enrolments : [...(prev ?? []), ...r.enrolments]));
      setMore(r.enrolments.length === page);
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    void load(0);
  }, [campaignID, total]);

  return (
    <section class="kt-card kt-section" aria-labelledby="enrol-heading">
      <h2 id="enrol-heading">Enrolments</h2>
      <p>
        <strong>{count.format(total)}</strong> {total === 1 ? 'customer is' : 'customers are'} enrolled. Each customer is
        enrolled once, through the matching agreement that ends first; a regular check enrols newcomers and lets go of
        those who no longer match.
      </p>
      {failure && <Notice tone="error">{failure}</Notice>}
      {items && items.length > 0 && (
        <div class="kt-table-wrap" role="region" aria-labelledby="enrol-caption" tabIndex={0}>
          <table class="kt-table kt-table--compact">
            <caption id="enrol-caption" class="kt-caption">
              {items.length < total ? `The first ${items.length} of ${count.format(total)}` : `All ${items.length}`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Through agreement</th>
                <th scope="col">Enrolled</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td class="kt-nowrap">{e.customer_ref}</td>
                  <td>
                    {e.agreement_number}
                    <span class="kt-cell-note">ends {shortDate(e.end_date)}</span>
                  </td>
                  <td>
                    <span class="kt-nowrap">{shortDate(e.enrolled_at)}</span>
                    {e.left_at && (
                      <span class="kt-cell-note">
                        left {shortDate(e.left_at)}: {e.left_reason.replace(/_/g, ' ')}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && (
        <Button variant="secondary" busy={busy} onClick={() => void load(items?.length ?? 0)}>
          Show {page} more
        </Button>
      )}
    </section>
  );
}

/** Offers lists the campaign's offers as customers will see them, and edits them. */
function Offers({ campaign: c, canEdit, currency, reload }: { campaign: CampaignView; canEdit: boolean; currency: string; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState<OfferView | 'new' | null>(null);
  const [news, setNews] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const full = c.offers.length >= 4;

  async function remove(o: OfferView) {
    setFailure(undefined);
    try {
      await fin.removeOffer(c.id, o.id);
      setNews(`The ${o.vehicle.make} ${o.vehicle.model} offer is removed.`);
      await reload();
    } catch (err) {
      setFailure(describeError(err));
    }
  }

  if (editing) {
    return (
      <>
        <h2>{editing === 'new' ? 'New offer' : `Edit the ${editing.vehicle.make} ${editing.vehicle.model} offer`}</h2>
        <OfferEditor
          campaignID={c.id}
          offer={editing === 'new' ? undefined : editing}
          currencySymbol={currencySymbol(currency)}
          onSaved={(o) => {
            setEditing(null);
            setNews(`The ${o.vehicle.make} ${o.vehicle.model} offer is saved.`);
            void reload();
          }}
          onCancel={() => setEditing(null)}
        />
      </>
    );
  }
  return (
    <>
      <h2>Offers</h2>
      <p>Each offer as the customer will see it, with the representative example the finance engine computed. A campaign has up to four.</p>
      {news && <Notice tone="success">{news}</Notice>}
      {failure && <Notice tone="error">{failure}</Notice>}
      {c.offers.length === 0 && <p>No offers yet.</p>}
      <ul class="kt-grid kt-section">
        {c.offers.map((o) => (
          <li key={o.id}>
            <OfferCard id={`offer-${o.id}`} offer={o} />
            {o.problems && o.problems.length > 0 && (
              <Notice tone="error" title="This offer no longer prices">
                <ul class="kt-refusal">
                  {o.problems.map((p, i) => (
                    <li key={i}>{p.message}</li>
                  ))}
                </ul>
              </Notice>
            )}
            {canEdit && (
              <div class="kt-actions kt-offer-actions">
                <Button variant="secondary" onClick={() => setEditing(o)}>
                  Edit<span class="kt-visually-hidden"> the {o.vehicle.make} {o.vehicle.model} offer</span>
                </Button>
                <Button variant="danger" onClick={() => void remove(o)}>
                  Remove<span class="kt-visually-hidden"> the {o.vehicle.make} {o.vehicle.model} offer</span>
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {canEdit &&
        (full ? (
          <p class="kt-muted">This campaign has four offers, the most it can hold.</p>
        ) : (
          <Button onClick={() => setEditing('new')}>Add an offer</Button>
        ))}
    </>
  );
}
