import { describe, expect, it } from 'vitest';
import { Latest } from './live';

describe('Latest', () => {
  it('keeps only the newest question’s answer', async () => {
    const latest = new Latest();
    const shown: string[] = [];
    const ask = (answer: string, ms: number) => {
      const ticket = latest.next();
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          if (latest.current(ticket)) shown.push(answer);
          resolve();
        }, ms),
      );
    };
    // The first question is slow and answers last: it must not win.
    await Promise.all([ask('old rules', 30), ask('new rules', 5)]);
    expect(shown).toEqual(['new rules']);
  });
});
