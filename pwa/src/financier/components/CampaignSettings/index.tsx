import { useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../../ui/ErrorSummary';
import { Field } from '../../../ui/Field';
import { Notice } from '../../../ui/Notice';
import { TextArea } from '../../../ui/TextArea';
import type { Audience, CampaignInput, CampaignView } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { describeError } from '../../../app/messages';
import { parseWhole } from '../../campaign/numbers';

type Key = 'name' | 'description' | 'start_date' | 'end_date' | 'frequency_cap_per_week';
const LABELS: Record<Key, string> = {
  name: 'Campaign name',
  description: 'Description (optional)',
  start_date: 'Start date',
  end_date: 'End date',
  frequency_cap_per_week: 'Messages a week, at most',
};

/**
 * CampaignSettings is the campaign's name, dates and frequency: the form that
 * creates a draft, and edits one. The audience is kept as it is.
 */
export function CampaignSettings({
  id,
  campaign,
  submitLabel,
  save,
  onSaved,
}: {
  id: string;
  campaign?: CampaignView;
  submitLabel: string;
  save: (input: CampaignInput) => Promise<CampaignView>;
  onSaved: (c: CampaignView) => void;
}) {
  const [f, setF] = useState({
    name: campaign?.name ?? '',
    description: campaign?.description ?? '',
    start_date: campaign?.start_date ?? '',
    end_date: campaign?.end_date ?? '',
    frequency_cap_per_week: String(campaign?.frequency_cap_per_week ?? 2),
  });
  const [errors, setErrors] = useState<Partial<Record<Key, string>>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: Key) => (v: string) => setF({ ...f, [k]: v });

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const next: Partial<Record<Key, string>> = {};
    if (!f.name.trim()) next.name = 'Name the campaign.';
    if (!f.start_date) next.start_date = 'Give the first day of the campaign.';
    if (!f.end_date) next.end_date = 'Give the last day of the campaign.';
    const cap = parseWhole(f.frequency_cap_per_week, 1, 7);
    if (!cap.ok) next.frequency_cap_per_week = 'Allow 1 to 7 messages a week.';
    setErrors(next);
    if (Object.keys(next).length > 0 || !cap.ok) return;
    const audience: Audience = campaign?.audience ?? { include_other_live_campaigns: false };
    setBusy(true);
    try {
      onSaved(
        await save({
          name: f.name.trim(),
          description: f.description.trim(),
          start_date: f.start_date,
          end_date: f.end_date,
          frequency_cap_per_week: cap.value,
          audience,
        }),
      );
    } catch (err) {
      if (err instanceof ApiError && err.is('validation') && err.errors.some((x) => x.field in LABELS)) {
        const fromServer: Partial<Record<Key, string>> = {};
        for (const x of err.errors) if (x.field in LABELS) fromServer[x.field as Key] ??= x.message;
        setErrors(fromServer);
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const summary: SummaryItem[] = (Object.keys(LABELS) as Key[])
    .filter((k) => errors[k])
    .map((k) => ({ field: `${id}-${k}`, message: `${LABELS[k]}: ${errors[k]!}` }));

  return (
    <form method="post" onSubmit={submit} noValidate>
      <ErrorSummary items={summary} />
      {failure && <Notice tone="error">{failure}</Notice>}
      <Field id={`${id}-name`} label={LABELS.name} value={f.name} onValue={set('name')} error={errors.name} autocomplete="off" />
      <TextArea
        id={`${id}-description`}
        label={LABELS.description}
        hint="For your team: customers never see it."
        value={f.description}
        onValue={set('description')}
        error={errors.description}
        rows={2}
        maxChars={1000}
      />
      <div class="kt-row">
        <Field id={`${id}-start_date`} label={LABELS.start_date} type="date" short value={f.start_date} onValue={set('start_date')} error={errors.start_date} />
        <Field id={`${id}-end_date`} label={LABELS.end_date} type="date" short value={f.end_date} onValue={set('end_date')} error={errors.end_date} />
      </div>
      <Field
        id={`${id}-frequency_cap_per_week`}
        label={LABELS.frequency_cap_per_week}
        hint="From this campaign to one customer, 1 to 7. Your company's own caps apply on top."
        short
        inputMode="numeric"
        value={f.frequency_cap_per_week}
        onValue={set('frequency_cap_per_week')}
        error={errors.frequency_cap_per_week}
      />
      <Button type="submit" busy={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}
