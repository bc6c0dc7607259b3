import { useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../../ui/ErrorSummary';
import { Field } from '../../../ui/Field';
import { Notice } from '../../../ui/Notice';
import type { LocationInput, Showroom } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { describeError } from '../../../app/messages';
import { fin } from '../../state';
import { EMPTY_SHOWROOM, fieldsOf, toInput, type ShowroomFields } from './form';
import './ShowroomForm.css';

type Errors = Partial<Record<keyof LocationInput, string>>;

const LABELS: Record<keyof LocationInput, string> = {
  code: 'Dealer code',
  dealer_group: 'Dealer group',
  name: 'Showroom name',
  address_line1: 'Address',
  town: 'Town',
  region: 'Region',
  postcode: 'Postcode',
  latitude: 'Latitude',
  longitude: 'Longitude',
  time_zone: 'Time zone',
  opening_hours: 'Opening hours',
  phone: 'Phone',
  email: 'Email address',
  principal_name: "Dealer principal's name",
  principal_email: "Dealer principal's email",
  principal_phone: "Dealer principal's phone",
};

/**
 * ShowroomForm adds a showroom to the network, or edits one (its code then
 * stays as it is: the API keys showrooms by code).
 */
export function ShowroomForm({
  showroom,
  onSaved,
  onCancel,
}: {
  showroom?: Showroom;
  onSaved: (s: Showroom) => void;
  onCancel: () => void;
}) {
  const prefix = showroom ? `edit-${showroom.id}` : 'new-showroom';
  const [f, setF] = useState<ShowroomFields>(showroom ? fieldsOf(showroom) : EMPTY_SHOWROOM);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const set = (k: keyof ShowroomFields) => (v: string) => setF({ ...f, [k]: v });
  const field = (k: keyof ShowroomFields, extra: Record<string, unknown> = {}) => (
    <Field
      id={`${prefix}-${k}`}
      label={LABELS[k]}
      value={f[k]}
      onValue={set(k)}
      error={errors[k]}
      autocomplete="off"
      {...extra}
    />
  );

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const { input, errors: local } = toInput(f);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const saved = showroom ? await fin.updateShowroom(showroom.id, input) : await fin.addShowroom(input);
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.is('validation') && err.errors.length > 0) {
        const next: Errors = {};
        for (const fe of err.errors) {
          const k = fe.field as keyof LocationInput;
          if (k in LABELS && !next[k]) next[k] = fe.message;
        }
        setErrors(next);
        if (Object.keys(next).length === 0) setFailure(describeError(err));
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const summary: SummaryItem[] = (Object.keys(LABELS) as Array<keyof LocationInput>)
    .filter((k) => errors[k])
    .map((k) => ({ field: `${prefix}-${k}`, message: `${LABELS[k]}: ${errors[k]!}` }));

  return (
    <form method="post" class="kt-showroom-form" onSubmit={submit} noValidate>
      <ErrorSummary items={summary} />
      {failure && <Notice tone="error">{failure}</Notice>}
      {showroom ? (
        <p>
          Dealer code <strong>{showroom.code}</strong> (a code cannot change; add a new showroom for a new code).
        </p>
      ) : (
        field('code', { short: true, hint: '2 to 20 letters, digits or dashes, like DLR016.', spellcheck: false })
      )}
      {field('dealer_group', { hint: 'A new name starts a new group.' })}
      {field('name')}
      {field('address_line1')}
      <div class="kt-showroom-form__row">
        {field('town')}
        {field('postcode', { short: true, spellcheck: false })}
      </div>
      {field('region', { hint: 'Campaign audiences can pick showrooms by region.' })}
      <div class="kt-showroom-form__row">
        {field('latitude', { short: true, inputMode: 'decimal', hint: 'Like 53.7997' })}
        {field('longitude', { short: true, inputMode: 'decimal', hint: 'Like -1.5492' })}
      </div>
      {field('time_zone', { short: true, spellcheck: false, hint: 'Europe/London or Europe/Dublin.' })}
      {field('opening_hours', {
        hint: 'Days and times separated by semicolons, like: Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed. Days not named are closed.',
        spellcheck: false,
      })}
      <div class="kt-showroom-form__row">
        {field('phone', { type: 'tel', short: true })}
        {field('email', { type: 'email', spellcheck: false })}
      </div>
      <fieldset class="kt-showroom-form__group">
        <legend>Dealer principal (optional)</legend>
        {field('principal_name')}
        {field('principal_email', { type: 'email', spellcheck: false })}
        {field('principal_phone', { type: 'tel', short: true })}
      </fieldset>
      <div class="kt-actions">
        <Button type="submit" busy={busy}>
          {showroom ? 'Save changes' : 'Add showroom'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
