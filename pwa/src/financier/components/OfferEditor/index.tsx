import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../../ui/ErrorSummary';
import { Field, Select } from '../../../ui/Field';
import { Notice } from '../../../ui/Notice';
import { TextArea } from '../../../ui/TextArea';
import { mediaUploads, uploadMedia, type MediaKind, type MediaView, type OfferView } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { describeError } from '../../../app/messages';
import { stableJSON } from '../../campaign/audience-form';
import { useLive } from '../../campaign/live';
import { EMPTY_OFFER_FORM, offerFormOf, offerInputOf, type FeeRow, type OfferForm, type Product } from '../../campaign/offer-form';
import { fin, store } from '../../state';
import { OfferCard } from '../OfferCard';
import { fileNameOf, previewable } from './media';
import { ImagePreview, MediaField, VideoPreview, type Uploader } from './MediaField';
import './OfferEditor.css';

/** fid is the id of the input for an API field path: "example.apr" → "of-example-apr". */
export function fid(path: string): string {
  return `of-${path.replace(/[^\w]+/g, '-').replace(/-+$/, '')}`;
}

/** LABELS name the offer's fields in the words of the form, for the server's messages. */
const LABELS: Record<string, string> = {
  'vehicle.make': 'Make',
  'vehicle.model': 'Model',
  'vehicle.derivative': 'Derivative',
  'vehicle.image_url': 'Image',
  'vehicle.video_url': 'Video',
  'vehicle.captions_url': 'Video captions',
  product: 'Product',
  cash_price: 'Cash price',
  terms_offered: 'Terms offered',
  deposit_contribution: 'Deposit contribution',
  excess_mileage_charge: 'Excess mileage charge',
  guaranteed_future_values: 'Guaranteed future values',
  valid_from: 'Valid from',
  valid_to: 'Valid to',
  small_print: 'Small print',
  example: 'Representative example',
  'example.deposit': 'Customer deposit',
  'example.monthly_payments': 'Monthly payments',
  'example.annual_mileage': 'Miles a year in the example',
  'example.monthly_payment': 'Advertised monthly payment',
  'example.apr': 'Representative APR',
  'example.apr_basis.share_percent': 'Agreements expected at or below the APR',
  'example.apr_basis.source': 'Where that expectation comes from',
  'example.initial_rental_months': 'Initial rental',
  'example.monthly_rental': 'Monthly rental',
};

/** labelled puts the field's name before a server message: "Excess mileage charge: is required for pcp". */
export function labelled(field: string, message: string): string {
  const base = field.replace(/\[\d+\]/g, '');
  const label = LABELS[field] ?? LABELS[base] ?? LABELS[base.split('.')[0] ?? ''];
  return label ? `${label}: ${message}` : message;
}

const PRODUCTS = [
  { value: 'pcp', label: 'Personal contract purchase (PCP)' },
  { value: 'hp', label: 'Hire purchase (HP)' },
  { value: 'pch', label: 'Personal contract hire (PCH)' },
];

/** upload sends a media file with the console's session, reporting progress. */
const upload: Uploader = (file, onProgress, signal) =>
  uploadMedia(fin.api, file, { token: () => store.session.value?.access_token ?? null, onProgress, signal });

/** earlier lists the financier's earlier uploads of one kind. */
const earlier = async (kind: MediaKind): Promise<MediaView[]> => (await mediaUploads(fin.api, kind)).items;

/** Where each address may come from, said once for the three media fields. */
const MEDIA_HINT = 'Upload a file, or give a path under /media/ or /assets/, or an https address on a host your administrator allowed.';

const FEE_TIMING = [
  { value: 'upfront', label: 'On the day the agreement starts' },
  { value: 'with_first', label: 'With the first monthly payment' },
  { value: 'with_final', label: 'With the final payment' },
];

/**
 * OfferEditor edits one offer. Beside the form, the offer as the customer
 * will see it, priced by the finance engine as the figures change; when the
 * engine refuses the example (its check does not reconcile), the refusal
 * is shown there and by the fields it names, and saving is refused too.
 */
export function OfferEditor({
  campaignID,
  offer,
  currencySymbol,
  onSaved,
  onCancel,
}: {
  campaignID: number;
  offer?: OfferView;
  currencySymbol: string;
  onSaved: (o: OfferView) => void;
  onCancel: () => void;
}) {
  const [f, setF] = useState<OfferForm>(() => (offer ? offerFormOf(offer) : { ...EMPTY_OFFER_FORM }));
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  // The names of files uploaded here, by address, for the previews.
  const [names, setNames] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState<Partial<Record<MediaKind, boolean>>>({});
  const { input, errors } = useMemo(() => offerInputOf(f), [f]);
  const localOK = Object.keys(errors).length === 0;
  const key = localOK ? stableJSON(input) : null;
  const live = useLive(key, () => fin.previewOffer(input), 500);

  // The engine's refusal of the current figures, by field.
  const refusal = live.error instanceof ApiError && live.error.is('validation') ? live.error : null;
  const serverErrors: Record<string, string> = { ...saveErrors };
  if (refusal) for (const e of refusal.errors) serverErrors[e.field] ??= e.message;
  // The form's own checks show once the marketer has tried to save: an
  // offer half typed is not yet wrong.
  const shownLocal: Record<string, string> = tried ? errors : {};
  const err = (path: string) => shownLocal[path] ?? serverErrors[path];

  // An update from the state it applies to, not from this render's: an
  // upload fills its field when it ends, after other fields may have changed.
  const set = <K extends keyof OfferForm>(k: K) => (v: OfferForm[K]) => {
    setSaveErrors({});
    setF((prev) => ({ ...prev, [k]: v }));
  };
  const text = (k: keyof OfferForm, path: string, label: string, extra: Record<string, unknown> = {}) => (
    <Field
      id={fid(path)}
      label={label}
      value={f[k] as string}
      onValue={set(k) as (v: string) => void}
      error={err(path)}
      autocomplete="off"
      {...extra}
    />
  );
  const media = (kind: MediaKind, k: 'imageURL' | 'videoURL' | 'captionsURL', path: string, label: string, hint: string, preview: ComponentChildren) => (
    <MediaField
      kind={kind}
      id={fid(path)}
      label={label}
      hint={hint}
      value={f[k]}
      onValue={set(k)}
      error={err(path)}
      upload={upload}
      earlier={earlier}
      onUploaded={(m) => setNames((n) => ({ ...n, [m.url]: m.file_name }))}
      onBusy={(busy) => setUploading((u) => ({ ...u, [kind]: busy }))}
    >
      {preview}
    </MediaField>
  );
  // The image's alt text: the car, as the customer's app names it.
  const carName = `${f.make.trim()} ${f.model.trim()}`.trim() || 'The car on offer';
  const money = (k: keyof OfferForm, path: string, label: string, extra: Record<string, unknown> = {}) =>
    text(k, path, `${label} (${currencySymbol})`, { short: true, inputMode: 'decimal', ...extra });

  async function save(e: Event) {
    e.preventDefault();
    setTried(true);
    setFailure(undefined);
    if (Object.values(uploading).some(Boolean)) {
      setFailure('A file is still uploading. Wait for it to finish, or cancel it, then save.');
      return;
    }
    if (!localOK) return;
    setBusy(true);
    try {
      const saved = offer ? await fin.updateOffer(campaignID, offer.id, input) : await fin.addOffer(campaignID, input);
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && error.is('validation')) {
        const byField: Record<string, string> = {};
        for (const x of error.errors) byField[x.field] ??= x.message;
        setSaveErrors(byField);
        setFailure(error.detail || 'The offer was not saved.');
      } else {
        setFailure(describeError(error));
      }
    } finally {
      setBusy(false);
    }
  }

  const credit = f.product !== 'pch';
  // Irish offers count kilometres and cent (the engine's mileage unit follows the market).
  const euro = currencySymbol === '€';
  const perYear = euro ? 'Kilometres a year' : 'Miles a year';
  const summary: SummaryItem[] = tried
    ? Object.entries({ ...serverErrors, ...shownLocal }).map(([path, message]) => ({ field: fid(fieldFor(path)), message: labelled(path, message) }))
    : [];

  return (
    <div class="kt-offer-editor">
      <form method="post" class="kt-offer-editor__form" onSubmit={save} noValidate>
        <ErrorSummary items={summary} title="The offer cannot be saved yet" />
        <fieldset class="kt-offer-editor__group">
          <legend>The car</legend>
          <div class="kt-row">
            {text('make', 'vehicle.make', 'Make')}
            {text('model', 'vehicle.model', 'Model')}
          </div>
          {text('derivative', 'vehicle.derivative', 'Derivative (optional)')}
          {media('image', 'imageURL', 'vehicle.image_url', 'Image (optional)', MEDIA_HINT,
            previewable(f.imageURL) && (
              <ImagePreview url={f.imageURL.trim()} alt={carName} name={fileNameOf(f.imageURL, names)} />
            ),
          )}
          {media('video', 'videoURL', 'vehicle.video_url', 'Video (optional)', 'Uploaded, or an address as for the image. A video needs captions (below).',
            previewable(f.videoURL) && (
              <VideoPreview
                url={f.videoURL.trim()}
                captions={previewable(f.captionsURL) ? f.captionsURL.trim() : ''}
                name={fileNameOf(f.videoURL, names)}
              />
            ),
          )}
          {media('captions', 'captionsURL', 'vehicle.captions_url', 'Video captions, WebVTT', 'Needed with a video: a .vtt file, uploaded or by address.',
            f.captionsURL.trim() && (
              <p class="kt-media__note">
                Captions file: <strong>{fileNameOf(f.captionsURL, names)}</strong>
              </p>
            ),
          )}
        </fieldset>
        <fieldset class="kt-offer-editor__group">
          <legend>Price and terms</legend>
          <Select id={fid('product')} label="Product" value={f.product} options={PRODUCTS} onValue={(v) => set('product')(v as Product)} error={err('product')} />
          {money('cashPrice', 'cash_price', 'Cash price')}
          {text('terms', 'terms_offered', 'Terms offered (months)', { hint: 'Separated by commas, like 25, 37, 49.', inputMode: 'numeric' })}
          {credit && money('depositContribution', 'deposit_contribution', 'Deposit contribution', { hint: 'The finance company’s contribution; 0 for none.' })}
          {f.product !== 'hp' &&
            text('excessMileage', 'excess_mileage_charge', `Excess mileage charge (${euro ? 'cent a kilometre' : 'pence a mile'})`, {
              short: true,
              inputMode: 'decimal',
              hint: 'Shown beside the final payment (RULES C7).',
            })}
        </fieldset>
        {f.product === 'pcp' && (
          <fieldset class="kt-offer-editor__group" id={fid('guaranteed_future_values')} tabIndex={-1}>
            <legend>Guaranteed future values</legend>
            <p class="kt-muted">The optional final payment for each term and annual mileage. The example uses the one for its own term and mileage.</p>
            {err('guaranteed_future_values') && <p class="kt-field__error">{err('guaranteed_future_values')}</p>}
            {f.futureValues.map((row, i) => {
              const p = `guaranteed_future_values[${i}]`;
              const setRow = (k: 'term' | 'mileage' | 'value') => (v: string) =>
                set('futureValues')(f.futureValues.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
              return (
                <div class="kt-offer-editor__row" key={i} role="group" aria-label={`Future value ${i + 1}`}>
                  <Field id={fid(`${p}.term_months`)} label="Term (months)" short inputMode="numeric" value={row.term} onValue={setRow('term')} error={err(`${p}.term_months`)} />
                  <Field id={fid(`${p}.annual_mileage`)} label={perYear} short inputMode="numeric" value={row.mileage} onValue={setRow('mileage')} error={err(`${p}.annual_mileage`)} />
                  <Field id={fid(`${p}.value`)} label={`Value (${currencySymbol})`} short inputMode="decimal" value={row.value} onValue={setRow('value')} error={err(`${p}.value`)} />
                  <Button variant="secondary" onClick={() => set('futureValues')(f.futureValues.filter((_, j) => j !== i))}>
                    Remove<span class="kt-visually-hidden"> future value {i + 1}</span>
                  </Button>
                </div>
              );
            })}
            <Button variant="secondary" onClick={() => set('futureValues')([...f.futureValues, { term: '', mileage: '', value: '' }])}>
              Add a future value
            </Button>
          </fieldset>
        )}
        <fieldset class="kt-offer-editor__group">
          <legend>Fees (optional)</legend>
          {f.fees.length === 0 && <p class="kt-muted">No fees. Add acceptance or option-to-purchase fees here: they are part of the example.</p>}
          {f.fees.map((row, i) => {
            const p = `fees[${i}]`;
            const setRow = (k: keyof FeeRow) => (v: string) =>
              set('fees')(f.fees.map((r, j) => (j === i ? { ...r, [k]: v } : r)) as FeeRow[]);
            return (
              <div class="kt-offer-editor__row" key={i} role="group" aria-label={`Fee ${i + 1}`}>
                <Field id={fid(`${p}.name`)} label="Fee" value={row.name} onValue={setRow('name')} error={err(`${p}.name`)} />
                <Field id={fid(`${p}.amount`)} label={`Amount (${currencySymbol})`} short inputMode="decimal" value={row.amount} onValue={setRow('amount')} error={err(`${p}.amount`)} />
                <Select id={fid(`${p}.payable`)} label="Paid" value={row.payable} options={FEE_TIMING} onValue={setRow('payable')} />
                <Button variant="secondary" onClick={() => set('fees')(f.fees.filter((_, j) => j !== i))}>
                  Remove<span class="kt-visually-hidden"> fee {i + 1}</span>
                </Button>
              </div>
            );
          })}
          <Button variant="secondary" onClick={() => set('fees')([...f.fees, { name: '', amount: '', payable: 'upfront' }])}>
            Add a fee
          </Button>
        </fieldset>
        <fieldset class="kt-offer-editor__group">
          <legend>Representative example</legend>
          <p class="kt-muted">The terms the finance engine prices into the example every customer sees.</p>
          <div class="kt-row">
            {credit && money('deposit', 'example.deposit', 'Customer deposit')}
            {text('monthlyPayments', 'example.monthly_payments', credit ? 'Monthly payments' : 'Monthly rentals after the initial rental', {
              short: true,
              inputMode: 'numeric',
              hint: f.product === 'hp' ? 'The term is the same.' : 'The term is one month more.',
            })}
            {f.product !== 'hp' && text('annualMileage', 'example.annual_mileage', `${perYear} in the example`, { short: true, inputMode: 'numeric' })}
          </div>
          {credit ? (
            <>
              <div class="kt-row">
                {text('apr', 'example.apr', 'Representative APR (%)', { short: true, inputMode: 'decimal', hint: 'Like 6.9' })}
                {money('monthlyPayment', 'example.monthly_payment', 'Advertised monthly payment (optional)', {
                  hint: 'If you state it, it must reconcile with the APR.',
                })}
              </div>
              <div class="kt-row">
                {text('aprShare', 'example.apr_basis.share_percent', 'Agreements expected at or below this APR (%)', {
                  short: true,
                  inputMode: 'numeric',
                  hint: 'At least 51 (CONC 3.5.13R).',
                })}
                {text('aprSource', 'example.apr_basis.source', 'Where that expectation comes from', { hint: 'Like: last quarter’s new business, 2,340 agreements.' })}
              </div>
            </>
          ) : (
            <div class="kt-row">
              {text('initialRentalMonths', 'example.initial_rental_months', 'Initial rental (months of rental)', { short: true, inputMode: 'numeric' })}
              {money('monthlyRental', 'example.monthly_rental', 'Monthly rental (optional)')}
            </div>
          )}
        </fieldset>
        <fieldset class="kt-offer-editor__group">
          <legend>Validity and small print</legend>
          <div class="kt-row">
            {text('validFrom', 'valid_from', 'Valid from', { type: 'date', short: true })}
            {text('validTo', 'valid_to', 'Valid to', { type: 'date', short: true })}
          </div>
          <TextArea id={fid('small_print')} label="Small print" value={f.smallPrint} onValue={set('smallPrint')} error={err('small_print')} rows={3} maxChars={4000} />
        </fieldset>
        {failure && <Notice tone="error">{failure}</Notice>}
        <div class="kt-actions">
          <Button type="submit" busy={busy}>
            {offer ? 'Save the offer' : 'Add the offer'}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </form>
      <aside class="kt-offer-editor__preview" aria-labelledby="offer-preview-heading">
        <h3 id="offer-preview-heading">As the customer will see it</h3>
        <p class="kt-muted" role="status">
          {!localOK
            ? `Fill in the offer to see it priced (${Object.keys(errors).length} ${Object.keys(errors).length === 1 ? 'answer' : 'answers'} to go).`
            : live.busy ? 'Pricing…' : refusal ? '' : live.value ? 'Priced by the finance engine.' : ''}
        </p>
        {refusal && (
          <Notice tone="error" title="The finance engine refuses this example">
            <p>{refusal.detail || 'The figures stated do not follow from each other.'}</p>
            <ul class="kt-refusal">
              {refusal.errors.map((e, i) => (
                <li key={i}>{labelled(e.field, e.message)}</li>
              ))}
            </ul>
            <p>The offer cannot be saved until the example reconciles.</p>
          </Notice>
        )}
        {live.error !== null && live.error !== undefined && !refusal && <Notice tone="error">{describeError(live.error)}</Notice>}
        {live.value && !refusal && localOK && <OfferCard id="offer-preview" offer={live.value} level={4} />}
      </aside>
    </div>
  );
}

/** fieldFor picks the input a server path belongs to ("offers.3.example.apr" → "example.apr"). */
function fieldFor(path: string): string {
  return path === 'example' ? 'example.apr' : path;
}
