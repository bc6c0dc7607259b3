import { describe, expect, it } from 'vitest';
import type { StepInput } from '../../app/financier-api';
import { blankStep, describeTiming, journeyOf, move, stepFormOf } from './journey';

describe('journey steps', () => {
  it('writes timing as the API’s anchor and signed offset', () => {
    const { steps, errors } = journeyOf([
      { ...blankStep(), timing: 'before_end', days: '270', title: 'Your {model}', body: 'See what is next', deepLink: ' /offers ' },
      { ...blankStep(), timing: 'after_end', days: '0', channel: 'email', subject: 'Next steps', body: 'Hello {first_name}' },
      { ...blankStep(), timing: 'after_enrolment', days: '7', body: 'x' },
    ]);
    expect(errors).toEqual({});
    expect(steps).toEqual<StepInput[]>([
      { anchor: 'end_date', offset_days: -270, channel: 'push', title: 'Your {model}', body: 'See what is next', deep_link: '/offers' },
      { anchor: 'end_date', offset_days: 0, channel: 'email', subject: 'Next steps', body: 'Hello {first_name}', deep_link: '/offers' },
      { anchor: 'enrolment', offset_days: 7, channel: 'push', title: '', body: 'x', deep_link: '/offers' },
    ]);
    expect(Object.is(steps[1]!.offset_days, -0)).toBe(false);
  });

  it('keeps a saved step’s id through a round trip and a move', () => {
    const saved: StepInput[] = [
      { id: 'st_a', anchor: 'end_date', offset_days: -180, channel: 'push', title: 'T', body: 'B', deep_link: '/offers' },
      { id: 'st_b', anchor: 'enrolment', offset_days: 3, channel: 'email', subject: 'S', body: 'B', deep_link: '/offers' },
    ];
    const forms = saved.map(stepFormOf);
    expect(journeyOf(forms).steps).toEqual(saved);
    const moved = journeyOf(move(forms, 1, -1)).steps;
    expect(moved.map((s) => s.id)).toEqual(['st_b', 'st_a']);
    expect(move(forms, 0, -1)).toBe(forms);
  });

  it('names a step’s days it cannot read by the API path', () => {
    const { errors } = journeyOf([blankStep(), { ...blankStep(), timing: 'after_end', days: '120' }, { ...blankStep(), days: '' }]);
    expect(Object.keys(errors)).toEqual(['steps[1].offset_days', 'steps[2].offset_days']);
  });

  it('says when a step is sent', () => {
    expect(describeTiming({ anchor: 'end_date', offset_days: -270 })).toBe('270 days before the agreement ends');
    expect(describeTiming({ anchor: 'end_date', offset_days: 1 })).toBe('1 day after the agreement ends');
    expect(describeTiming({ anchor: 'end_date', offset_days: 0 })).toBe('On the day the agreement ends');
    expect(describeTiming({ anchor: 'enrolment', offset_days: 0 })).toBe('On the day the customer joins');
  });
});
