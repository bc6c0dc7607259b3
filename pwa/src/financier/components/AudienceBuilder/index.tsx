import { useMemo, useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { Checkbox, Checkboxes } from '../../../ui/Checkboxes';
import { Field } from '../../../ui/Field';
import { Notice } from '../../../ui/Notice';
import { TextArea } from '../../../ui/TextArea';
import type { AudiencePreview, CampaignView, DealerGroupDetail, Explanation } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { describeError } from '../../../app/messages';
import { audienceKey, audienceOf, formOf, type AudienceField, type AudienceForm } from '../../campaign/audience-form';
import { useLive, type LiveState } from '../../campaign/live';
import { shortDate, monthsLeft } from '../../format';
import { fin } from '../../state';
import './AudienceBuilder.css';

const count = new Intl.NumberFormat('en-GB');

const PRODUCTS = [
  { value: 'pcp', label: 'PCP' },
  { value: 'hp', label: 'Hire purchase' },
  { value: 'pch', label: 'Contract hire (PCH)' },
];

/**
 * AudienceBuilder edits a campaign's rules and shows, as they change, how
 * many customers match, what each exclusion removed, and 20 of them. It
 * also answers "is this customer in?" for the saved rules.
 */
export function AudienceBuilder({
  campaign,
  canEdit,
  network,
  currencySymbol,
  onSaved,
}: {
  campaign: CampaignView;
  canEdit: boolean;
  network: DealerGroupDetail[] | null;
  currencySymbol: string;
  onSaved: (c: CampaignView) => void;
}) {
  const [form, setForm] = useState<AudienceForm>(() => formOf(campaign.audience));
  const [failure, setFailure] = useState<string>();
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();
  const { audience, errors } = useMemo(() => audienceOf(form), [form]);
  const key = Object.keys(errors).length > 0 ? null : audienceKey(audience);
  // The count and sample follow the rules closely; what each exclusion
  // removed takes the server a second scan, so it follows a little later.
  const live = useLive(key, () => fin.previewAudience(audience));
  const waterfall = useLive(key, () => fin.previewAudience(audience, true), 1200);
  const dirty = key !== null && key !== audienceKey(campaign.audience);

  const set = <K extends keyof AudienceForm>(k: K) => (v: AudienceForm[K]) => {
    setSaved(undefined);
    setForm({ ...form, [k]: v });
  };
  const err = (k: AudienceField, api: string) => errors[k] ?? serverErrors[api];

  const regions = useMemo(() => {
    const all = new Set<string>();
    for (const g of network ?? []) for (const l of g.locations) if (l.region) all.add(l.region);
    return [...all].sort().map((r) => ({ value: r, label: r }));
  }, [network]);

  async function save(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    if (key === null) {
      setFailure('Fix the rules marked in the form first.');
      return;
    }
    if (!dirty) {
      setSaved('Nothing to save: the rules are as saved.');
      return;
    }
    setServerErrors({});
    setBusy(true);
    try {
      const { offers: _o, journey: _j, ...rest } = campaign;
      const next = await fin.updateCampaign(campaign.id, {
        name: rest.name,
        description: rest.description,
        start_date: rest.start_date,
        end_date: rest.end_date,
        frequency_cap_per_week: rest.frequency_cap_per_week,
        audience,
      });
      setSaved('The audience rules are saved.');
      onSaved(next);
    } catch (error) {
      if (error instanceof ApiError && error.is('validation')) {
        const byField: Record<string, string> = {};
        for (const x of error.errors) byField[x.field] ??= x.message;
        setServerErrors(byField);
      }
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const disabled = !canEdit;
  return (
    <div class="kt-audience">
      <form method="post" class="kt-audience__form" onSubmit={save} noValidate>
        <fieldset class="kt-audience__group" disabled={disabled}>
          <legend>When the agreement ends</legend>
          <div class="kt-row">
            <Field id="aud-months-min" label="From (months from today)" short inputMode="numeric" value={form.monthsMin} onValue={set('monthsMin')} error={err('monthsMin', 'audience.months_to_end.min')} />
            <Field id="aud-months-max" label="To (months from today)" short inputMode="numeric" value={form.monthsMax} onValue={set('monthsMax')} error={err('monthsMax', 'audience.months_to_end.max')} />
          </div>
        </fieldset>
        <fieldset class="kt-audience__group" disabled={disabled}>
          <legend>Agreements and cars</legend>
          <Checkboxes id="aud-products" legend="Products" hint="None ticked: every product." options={PRODUCTS} selected={form.products} onValue={set('products')} inline />
          <TextArea
            id="aud-vehicles"
            label="Makes and models"
            hint="One a line: a make (Kia), or a make and model separated by a comma (Ford, Puma). Empty: every car."
            rows={3}
            value={form.vehicles}
            onValue={set('vehicles')}
            error={err('vehicles', 'audience.vehicles')}
            spellcheck={false}
          />
          <div class="kt-row">
            <Field id="aud-age-min" label="Agreement started at least (months ago)" short inputMode="numeric" value={form.ageMin} onValue={set('ageMin')} error={err('ageMin', 'audience.agreement_age_months.min')} />
            <Field id="aud-age-max" label="and at most (months ago)" short inputMode="numeric" value={form.ageMax} onValue={set('ageMax')} error={err('ageMax', 'audience.agreement_age_months.max')} />
          </div>
        </fieldset>
        <fieldset class="kt-audience__group" disabled={disabled}>
          <legend>Equity band</legend>
          <p class="kt-muted">The estimated equity stored for each agreement. Agreements with no valuation have no equity and fall outside any band.</p>
          <div class="kt-row">
            <Field id="aud-equity-min" label={`At least (${currencySymbol})`} short inputMode="decimal" hint="Negative for negative equity" value={form.equityMin} onValue={set('equityMin')} error={err('equityMin', 'audience.equity.min')} />
            <Field id="aud-equity-max" label={`At most (${currencySymbol})`} short inputMode="decimal" value={form.equityMax} onValue={set('equityMax')} error={err('equityMax', 'audience.equity.max')} />
          </div>
        </fieldset>
        <fieldset class="kt-audience__group" disabled={disabled}>
          <legend>Dealers and regions</legend>
          <p class="kt-muted">The agreement's dealer. Ticked dealers and ticked regions both count; none ticked: every dealer.</p>
          {regions.length > 0 && (
            <Checkboxes id="aud-regions" legend="Regions" options={regions} selected={form.regions} onValue={set('regions')} inline />
          )}
          {network && network.length > 0 && (
            <details class="kt-audience__dealers" open={form.dealerCodes.length > 0}>
              <summary>Choose dealers ({form.dealerCodes.length} ticked)</summary>
              {network.map((g) => (
                <Checkboxes
                  key={g.id}
                  id={`aud-dealers-${g.id}`}
                  legend={g.name}
                  options={g.locations.map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }))}
                  selected={form.dealerCodes.filter((c) => g.locations.some((l) => l.code === c))}
                  onValue={(v) =>
                    set('dealerCodes')([...form.dealerCodes.filter((c) => !g.locations.some((l) => l.code === c)), ...v])
                  }
                />
              ))}
            </details>
          )}
        </fieldset>
        <fieldset class="kt-audience__group" disabled={disabled}>
          <legend>Who is always left out</legend>
          <p>
            Whatever the rules say, customers are left out when their agreement is not active, when they are in arrears or
            forbearance, flagged vulnerable, or have no consent or soft opt-in for marketing on push or email (RULES D3, P2).
            These cannot be switched off.
          </p>
          <Checkbox
            id="aud-include-other-live"
            label="Include agreements already in another live campaign"
            hint="Off by default, so one agreement is in one campaign at a time."
            checked={form.includeOtherLive}
            onChecked={set('includeOtherLive')}
          />
        </fieldset>
        <p class="kt-audience__inline-count">
          {live.value && key !== null ? (
            <>
              Now: <strong>{count.format(live.value.count)}</strong> {live.value.count === 1 ? 'customer matches' : 'customers match'}.
            </>
          ) : (
            ' '
          )}
        </p>
        {failure && <Notice tone="error">{failure}</Notice>}
        {saved && <Notice tone="success">{saved}</Notice>}
        {canEdit && (
          <Button type="submit" busy={busy}>
            Save the audience rules
          </Button>
        )}
      </form>
      <AudiencePanel state={live} waterfall={waterfall} invalid={key === null} />
      <Explain campaign={campaign} />
      <Sample preview={live.value} />
    </div>
  );
}

/** AudiencePanel is the live count and what each exclusion removed. */
function AudiencePanel({ state, waterfall, invalid }: { state: LiveState<AudiencePreview>; waterfall: LiveState<AudiencePreview>; invalid: boolean }) {
  const p = state.value;
  const w = waterfall.value;
  return (
    <section class="kt-card kt-audience__live" aria-labelledby="aud-live-heading">
      <h3 id="aud-live-heading">Who matches now</h3>
      <p class="kt-count" aria-live="polite" aria-atomic="true">
        {p ? `${count.format(p.count)} ${p.count === 1 ? 'customer' : 'customers'}` : '…'}
      </p>
      <p class="kt-muted" role="status">
        {invalid ? 'Fix the rules marked in the form to see the count.' : state.busy ? 'Counting…' : ''}
      </p>
      {state.error !== null && state.error !== undefined && <Notice tone="error">{describeError(state.error)}</Notice>}
      {w?.exclusions && w.matched_by_rules !== undefined && (
        <div class={waterfall.busy ? 'kt-audience__stale' : undefined}>
          <p>{count.format(w.matched_by_rules)} match the rules before anyone is left out.</p>
          <div class="kt-table-wrap" role="region" aria-labelledby="aud-excl-caption" tabIndex={0}>
            <table class="kt-table">
              <caption id="aud-excl-caption" class="kt-caption">
                Left out, in order
              </caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col" class="kt-num">
                    Customers
                  </th>
                </tr>
              </thead>
              <tbody>
                {w.exclusions.map((x) => (
                  <tr key={x.exclusion}>
                    <td>
                      {x.label}
                      {!x.applied && <span class="kt-muted"> (switched off)</span>}
                    </td>
                    <td class="kt-num">{x.applied ? count.format(x.removed) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {waterfall.error !== null && waterfall.error !== undefined && !state.error && (
        <Notice tone="error">{describeError(waterfall.error)}</Notice>
      )}
    </section>
  );
}

/** Sample is 20 of the customers who match, through the agreement that would enrol them. */
function Sample({ preview: p }: { preview: AudiencePreview | null }) {
  if (!p) return null;
  return (
    <section class="kt-card kt-audience__sample" aria-labelledby="aud-sample-heading">
      <h3 id="aud-sample-heading">A sample of {p.sample.length}</h3>
      {p.sample.length === 0 ? (
        <p>No one matches these rules.</p>
      ) : (
        <div class="kt-table-wrap" role="region" aria-label="Sample customers" tabIndex={0}>
          <table class="kt-table kt-table--compact">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Agreement</th>
                <th scope="col">Ends</th>
                <th scope="col">Car</th>
                <th scope="col">Dealer</th>
              </tr>
            </thead>
            <tbody>
              {p.sample.map((s) => (
                <tr key={s.customer_id}>
                  <td>
                    {s.first_name} {s.last_name}
                    <span class="kt-cell-note">{s.customer_ref}</span>
                  </td>
                  <td>
                    {s.agreement_number}
                    <span class="kt-cell-note">{s.product.toUpperCase()}</span>
                  </td>
                  <td>
                    <span class="kt-nowrap">{shortDate(s.end_date)}</span>
                    <span class="kt-cell-note">{monthsLeft(s.months_left)}</span>
                  </td>
                  <td>
                    {s.make} {s.model}
                  </td>
                  <td>{s.dealer_name || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const RULE_NAMES: Record<string, string> = {
  months_to_end: 'When the agreement ends',
  products: 'Product',
  vehicles: 'Make and model',
  equity: 'Equity band',
  dealer: 'Dealer or region',
  agreement_age_months: 'Agreement age',
};

/** Explain answers whether one customer is in the saved audience, and if not, why. */
function Explain({ campaign }: { campaign: CampaignView }) {
  const [ref, setRef] = useState('');
  const [error, setError] = useState<string>();
  const [answer, setAnswer] = useState<Explanation | null>(null);
  const [busy, setBusy] = useState(false);

  async function ask(e: Event) {
    e.preventDefault();
    setAnswer(null);
    if (!ref.trim()) {
      setError('Enter the customer reference, like DEMO-0001.');
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      setAnswer(await fin.explain(campaign.id, ref.trim()));
    } catch (err) {
      setError(err instanceof ApiError && err.is('not-found') ? `No customer has the reference ${ref.trim()}.` : describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="kt-card kt-audience__explain" aria-labelledby="explain-heading">
      <h3 id="explain-heading">Is this customer in?</h3>
      <p class="kt-muted">Checks one customer against the saved rules.</p>
      <form method="post" onSubmit={ask} noValidate>
        <Field id="explain-ref" label="Customer reference" short spellcheck={false} autocomplete="off" value={ref} onValue={setRef} error={error} />
        <Button type="submit" variant="secondary" busy={busy}>
          Check
        </Button>
      </form>
      {answer && (
        <div class="kt-explain" role="status">
          <p class="kt-explain__verdict">
            {answer.in ? (
              <>
                <strong>{answer.customer_ref} is in</strong> this campaign's audience.
              </>
            ) : (
              <>
                <strong>{answer.customer_ref} is not in</strong> this campaign's audience.
              </>
            )}
          </p>
          {answer.reasons.length > 0 && (
            <ul class="kt-inline-list">
              {answer.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          {answer.agreements.map((a) => (
            <div key={a.agreement_id} class="kt-explain__agreement">
              <h4 class="kt-subtle-heading">
                Agreement {a.agreement_number}: {a.matches ? 'matches' : 'does not match'}
              </h4>
              <ul class="kt-checks">
                {a.rules.map((r) => (
                  <li key={r.rule} class={r.passed ? 'kt-checks__ok' : 'kt-checks__no'}>
                    <span class="kt-visually-hidden">{r.passed ? 'Passes: ' : 'Fails: '}</span>
                    {RULE_NAMES[r.rule] ?? r.rule}
                  </li>
                ))}
                {a.exclusions
                  .filter((x) => x.applies)
                  .map((x) => (
                    <li key={x.exclusion} class="kt-checks__no">
                      <span class="kt-visually-hidden">Left out: </span>
                      {x.label}
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
