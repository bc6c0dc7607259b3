// The journey editor's steps as typed, and the API's StepInput. A step's
// timing is typed as people say it ("270 days before the agreement ends")
// and sent as the API's anchor and signed offset. A saved step keeps its id
// through edits and moves, so what was sent for it can always be traced.
import type { StepInput } from '../../app/financier-api';
import { parseWhole } from './numbers';

export type Timing = 'before_end' | 'after_end' | 'after_enrolment';

/** StepForm is one step as typed. key tells steps apart on screen before they have an id. */
export interface StepForm {
  key: string;
  id?: string;
  timing: Timing;
  days: string;
  channel: 'push' | 'email';
  title: string;
  subject: string;
  body: string;
  deepLink: string;
}

/** Limits of the rendered text, mirrored from templates.go (each field counted at its longest). */
export const LIMITS = { title: 50, pushBody: 120, subject: 80, emailBody: 2000 } as const;

let counter = 0;
/** newKey is a fresh on-screen key for a step. */
export function newKey(): string {
  counter += 1;
  return `step-${counter}`;
}

/** blankStep is a new push step, 30 days before the end. */
export function blankStep(): StepForm {
  return { key: newKey(), timing: 'before_end', days: '30', channel: 'push', title: '', subject: '', body: '', deepLink: '/offers' };
}

/** stepFormOf fills a step's form from a saved step. */
export function stepFormOf(s: StepInput): StepForm {
  const timing: Timing = s.anchor === 'enrolment' ? 'after_enrolment' : s.offset_days < 0 ? 'before_end' : 'after_end';
  return {
    key: s.id ?? newKey(),
    id: s.id,
    timing,
    days: String(Math.abs(s.offset_days)),
    channel: s.channel,
    title: s.title ?? '',
    subject: s.subject ?? '',
    body: s.body,
    deepLink: s.deep_link,
  };
}

/** StepErrors are messages by the API's field path ("steps[2].title"). */
export type StepErrors = Record<string, string>;

/** stepInputOf turns one step's form into the API's StepInput; prefix is its path ("steps[0]."). */
export function stepInputOf(f: StepForm, prefix: string, errors: StepErrors): StepInput {
  const limit = f.timing === 'before_end' ? 730 : f.timing === 'after_end' ? 90 : 730;
  const d = parseWhole(f.days, 0, limit);
  let days = 0;
  if (d.ok) days = d.value;
  else errors[`${prefix}offset_days`] = d.empty ? 'Give the number of days.' : `Enter a whole number of days from 0 to ${limit}.`;
  const s: StepInput = {
    anchor: f.timing === 'after_enrolment' ? 'enrolment' : 'end_date',
    offset_days: f.timing === 'before_end' ? -days : days,
    channel: f.channel,
    body: f.body,
    deep_link: f.deepLink.trim(),
  };
  // -0 would read as "after the end" when loaded again.
  if (Object.is(s.offset_days, -0)) s.offset_days = 0;
  if (f.id) s.id = f.id;
  if (f.channel === 'push') s.title = f.title;
  else s.subject = f.subject;
  return s;
}

/** journeyOf turns the editor's steps into the API's list. */
export function journeyOf(steps: StepForm[]): { steps: StepInput[]; errors: StepErrors } {
  const errors: StepErrors = {};
  return { steps: steps.map((s, i) => stepInputOf(s, `steps[${i}].`, errors)), errors };
}

/** describeTiming says when a step is sent, in words. */
export function describeTiming(s: Pick<StepInput, 'anchor' | 'offset_days'>): string {
  const n = Math.abs(s.offset_days);
  const days = `${n} ${n === 1 ? 'day' : 'days'}`;
  if (s.anchor === 'enrolment') return n === 0 ? 'On the day the customer joins' : `${days} after the customer joins`;
  if (n === 0) return 'On the day the agreement ends';
  return s.offset_days < 0 ? `${days} before the agreement ends` : `${days} after the agreement ends`;
}

/** move returns steps with the one at from moved by delta (−1 up, +1 down). */
export function move<T>(list: T[], from: number, delta: number): T[] {
  const to = from + delta;
  if (to < 0 || to >= list.length) return list;
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item!);
  return out;
}
