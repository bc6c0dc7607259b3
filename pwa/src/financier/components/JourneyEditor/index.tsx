import { useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../../ui/ErrorSummary';
import { Field, Select } from '../../../ui/Field';
import { Notice } from '../../../ui/Notice';
import { PhonePreview } from '../../../ui/PhonePreview';
import { TextArea } from '../../../ui/TextArea';
import type { CampaignView, StepPreview, StepView } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { formatDate } from '../../../app/format';
import { describeError } from '../../../app/messages';
import { blankStep, describeTiming, journeyOf, LIMITS, move, stepFormOf, stepInputOf, type StepErrors, type StepForm, type Timing } from '../../campaign/journey';
import { findTriggers, TEMPLATE_FIELDS, unknownFields, WHY_C6 } from '../../campaign/triggers';
import { fin } from '../../state';
import './JourneyEditor.css';

const TIMINGS = [
  { value: 'before_end', label: 'Days before the agreement ends' },
  { value: 'after_end', label: 'Days after the agreement ends' },
  { value: 'after_enrolment', label: 'Days after the customer joins the campaign' },
];

const CHANNELS = [
  { value: 'push', label: 'Push message' },
  { value: 'email', label: 'Email' },
];

const sid = (key: string, part: string) => `${key}-${part}`;

/**
 * JourneyEditor edits the campaign's steps: when each is sent, on which
 * channel, its text (with template fields) and the app screen it opens. It
 * checks the text for cost figures as it is typed (RULES C6), previews a
 * step for real customers of the audience on a phone, and saves the journey
 * as a whole; a saved step keeps its id.
 */
export function JourneyEditor({
  campaign,
  canEdit,
  appName,
  onSaved,
}: {
  campaign: CampaignView;
  canEdit: boolean;
  appName: string;
  onSaved: (steps: StepView[]) => void;
}) {
  const [steps, setSteps] = useState<StepForm[]>(() => campaign.journey.map(stepFormOf));
  const [errors, setErrors] = useState<StepErrors>({});
  // Every message of the server's refusal, for the summary (a field can have several).
  const [refusals, setRefusals] = useState<Array<{ field: string; message: string }>>([]);
  const [failure, setFailure] = useState<string>();
  const [news, setNews] = useState<string>();
  const [busy, setBusy] = useState(false);

  const update = (i: number, next: StepForm) => {
    setNews(undefined);
    setSteps(steps.map((s, j) => (j === i ? next : s)));
  };

  async function save(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    setNews(undefined);
    const { steps: input, errors: local } = journeyOf(steps);
    setErrors(local);
    setRefusals([]);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const saved = (await fin.saveJourney(campaign.id, input)).steps;
      // Saved steps come back with their ids; keep the on-screen keys.
      setSteps(saved.map((s, i) => ({ ...stepFormOf(s), key: steps[i]?.key ?? s.id })));
      setNews(`The journey is saved: ${saved.length} ${saved.length === 1 ? 'step' : 'steps'}.`);
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.is('validation')) {
        const byField: StepErrors = {};
        for (const x of err.errors) byField[x.field] ??= x.message;
        setErrors(byField);
        setRefusals(err.errors.map((x) => ({ field: x.field, message: x.message })));
        setFailure(err.detail || 'The journey was not saved.');
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const listed = refusals.length > 0 ? refusals.map((r) => [r.field, r.message] as const) : Object.entries(errors);
  const summary: SummaryItem[] = listed.map(([path, message]) => {
    const m = /^steps\[(\d+)\]\.(\w+)/.exec(path);
    const step = m ? steps[Number(m[1])] : undefined;
    const part = m?.[2] === 'offset_days' ? 'days' : m?.[2] === 'deep_link' ? 'link' : (m?.[2] ?? '');
    return { field: step ? sid(step.key, part) : undefined, message: m ? `Step ${Number(m[1]) + 1}: ${message}` : message };
  });

  return (
    <form method="post" class="kt-journey" onSubmit={save} noValidate>
      <ErrorSummary items={summary} title="The journey cannot be saved yet" />
      <p>
        Fields you can use in the text: {TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')}. Names never go on a lock screen
        or in a subject line, so {'{first_name}'} only works in an email's body.
      </p>
      {steps.length === 0 && <p>No steps yet. A journey usually has four to six, the first some months before the agreement ends.</p>}
      <ol class="kt-journey__steps">
        {steps.map((s, i) => (
          <li key={s.key}>
            <StepEditor
              index={i}
              step={s}
              count={steps.length}
              campaignID={campaign.id}
              canEdit={canEdit}
              appName={appName}
              errors={errors}
              onChange={(next) => update(i, next)}
              onMove={(delta) => setSteps(move(steps, i, delta))}
              onRemove={() => setSteps(steps.filter((_, j) => j !== i))}
            />
          </li>
        ))}
      </ol>
      {failure && <Notice tone="error">{failure}</Notice>}
      {news && <Notice tone="success">{news}</Notice>}
      {canEdit && (
        <div class="kt-actions">
          <Button variant="secondary" onClick={() => setSteps([...steps, blankStep()])}>
            Add a step
          </Button>
          <Button type="submit" busy={busy}>
            Save the journey
          </Button>
        </div>
      )}
    </form>
  );
}

function StepEditor({
  index,
  step: s,
  count,
  campaignID,
  canEdit,
  appName,
  errors,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  step: StepForm;
  count: number;
  campaignID: number;
  canEdit: boolean;
  appName: string;
  errors: StepErrors;
  onChange: (s: StepForm) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const [preview, setPreview] = useState<StepPreview | null>(null);
  const [previewError, setPreviewError] = useState<string>();
  const [sample, setSample] = useState(0);
  const [busy, setBusy] = useState(false);
  const p = `steps[${index}].`;
  const err = (f: string) => errors[p + f];
  const set = <K extends keyof StepForm>(k: K) => (v: StepForm[K]) => {
    setPreview(null);
    onChange({ ...s, [k]: v });
  };
  const headingId = sid(s.key, 'heading');
  const local: StepErrors = {};
  const input = stepInputOf(s, '', local);
  const push = s.channel === 'push';

  async function showPreview() {
    setPreviewError(undefined);
    setBusy(true);
    try {
      setPreview(await fin.previewStep(campaignID, input));
      setSample(0);
    } catch (err) {
      setPreview(null);
      setPreviewError(
        err instanceof ApiError && err.is('validation') ? err.errors.map((e) => e.message).join(' ') || describeError(err) : describeError(err),
      );
    } finally {
      setBusy(false);
    }
  }

  const shown = preview?.samples[sample];
  return (
    <article class="kt-card kt-step" aria-labelledby={headingId}>
      <h4 id={headingId} class="kt-step__heading">
        Step {index + 1}: {Object.keys(local).length ? 'when?' : describeTiming(input)}
        {s.id && <span class="kt-step__id"> ({s.id})</span>}
      </h4>
      <fieldset class="kt-step__fields" disabled={!canEdit}>
        <legend class="kt-visually-hidden">Step {index + 1}</legend>
        <div class="kt-row">
          <Select id={sid(s.key, 'timing')} label="When" value={s.timing} options={TIMINGS} onValue={(v) => set('timing')(v as Timing)} />
          <Field id={sid(s.key, 'days')} label="Days" short inputMode="numeric" value={s.days} onValue={set('days')} error={err('offset_days') ?? local.offset_days} />
          <Select id={sid(s.key, 'channel')} label="Channel" value={s.channel} options={CHANNELS} onValue={(v) => set('channel')(v as 'push' | 'email')} error={err('channel')} />
        </div>
        {push ? (
          <TemplateField id={sid(s.key, 'title')} label="Title" lockScreen value={s.title} max={LIMITS.title} error={err('title')} onValue={set('title')} />
        ) : (
          <TemplateField id={sid(s.key, 'subject')} label="Subject" lockScreen value={s.subject} max={LIMITS.subject} error={err('subject')} onValue={set('subject')} />
        )}
        <TemplateField
          id={sid(s.key, 'body')}
          label={push ? 'Text' : 'Email text'}
          lockScreen={push}
          multiline
          value={s.body}
          max={push ? LIMITS.pushBody : LIMITS.emailBody}
          error={err('body')}
          onValue={set('body')}
        />
        <Field
          id={sid(s.key, 'link')}
          label="Opens in the app"
          hint="A path in the customer app, like /offers."
          short
          spellcheck={false}
          value={s.deepLink}
          onValue={set('deepLink')}
          error={err('deep_link')}
        />
      </fieldset>
      <div class="kt-actions">
        <Button variant="secondary" busy={busy} onClick={() => void showPreview()}>
          Preview on a phone<span class="kt-visually-hidden"> (step {index + 1})</span>
        </Button>
        {canEdit && (
          <>
            {index > 0 && (
              <Button variant="secondary" onClick={() => onMove(-1)}>
                Move up<span class="kt-visually-hidden"> step {index + 1}</span>
              </Button>
            )}
            {index < count - 1 && (
              <Button variant="secondary" onClick={() => onMove(1)}>
                Move down<span class="kt-visually-hidden"> step {index + 1}</span>
              </Button>
            )}
            <Button variant="danger" onClick={onRemove}>
              Remove<span class="kt-visually-hidden"> step {index + 1}</span>
            </Button>
          </>
        )}
      </div>
      {previewError && <Notice tone="error">{previewError}</Notice>}
      {preview && (
        <div class="kt-step__preview" role="group" aria-label={`Preview of step ${index + 1}`}>
          {preview.samples.length === 0 ? (
            <p>No customer matches the saved audience, so there is no one to preview this step for.</p>
          ) : (
            <>
              {preview.samples.length > 1 && (
                <Select
                  id={sid(s.key, 'sample')}
                  label="Preview for"
                  value={String(sample)}
                  options={preview.samples.map((x, i) => ({ value: String(i), label: `${x.first_name} (${x.customer_ref})` }))}
                  onValue={(v) => setSample(Number(v))}
                />
              )}
              {shown && (
                <>
                  <PhonePreview
                    message={{
                      channel: s.channel,
                      heading: (push ? shown.message.title : shown.message.subject) ?? '',
                      body: shown.message.body,
                      from: appName,
                      when: dueText(shown.message.send_on),
                      opens: shown.message.deep_link,
                    }}
                    caption={
                      <>
                        As {shown.first_name} ({shown.customer_ref}) gets it
                      </>
                    }
                  />
                  {shown.problems.length > 0 && (
                    <Notice tone="error" title="This would be refused">
                      <ul class="kt-refusal">
                        {shown.problems.map((m, i) => (
                          <li key={i}>{m}</li>
                        ))}
                      </ul>
                    </Notice>
                  )}
                </>
              )}
            </>
          )}
        </div>
      )}
    </article>
  );
}

/** dueText says when a step falls due for a customer, and whether that day has passed already. */
function dueText(sendOn: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
  return sendOn < today ? `Due ${formatDate(sendOn)}, already past for this customer` : `Due ${formatDate(sendOn)}`;
}

/**
 * TemplateField is a message text with its length at most (fields counted
 * at their longest is the server's rule; here the typed length guides) and
 * the C6 check as it is typed.
 */
function TemplateField({
  id,
  label,
  value,
  max,
  error,
  lockScreen,
  multiline,
  onValue,
}: {
  id: string;
  label: string;
  value: string;
  max: number;
  error?: string | undefined;
  lockScreen?: boolean;
  multiline?: boolean;
  onValue: (v: string) => void;
}) {
  const hits = findTriggers(value);
  const unknown = unknownFields(value);
  const personal = lockScreen && value.includes('{first_name}');
  return (
    <div class="kt-template">
      {multiline ? (
        <TextArea id={id} label={label} value={value} onValue={onValue} error={error} maxChars={max} rows={lockScreen ? 2 : 5} />
      ) : (
        <TextArea id={id} label={label} value={value} onValue={onValue} error={error} maxChars={max} rows={1} />
      )}
      {(hits.length > 0 || unknown.length > 0 || personal) && (
        <Notice tone="warning" live={false} title="Saving will be refused">
          {hits.length > 0 && (
            <>
              <p>
                It has {hits.map((h) => `“${h.text}” (${h.name})`).join(', ')}.
              </p>
              {/* The server's refusal above the box already gives the reason. */}
              {!error && <p>{WHY_C6}</p>}
            </>
          )}
          {unknown.length > 0 && (
            <p>
              {unknown.map((u) => `{${u}}`).join(', ')} {unknown.length === 1 ? 'is not a field' : 'are not fields'}. Use{' '}
              {TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')}.
            </p>
          )}
          {personal && <p>{'{first_name}'} may not be used here: names never appear on a lock screen or in an inbox list.</p>}
        </Notice>
      )}
    </div>
  );
}
