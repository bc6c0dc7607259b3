import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../app/financier-api';
import { SSEParser } from '../../app/sse';
import { barOf, isFinal, readProgress } from './progress';

const base: ProgressEvent = {
  id: 7,
  status: 'running',
  bytes: 2000,
  bytes_done: 500,
  rows: 1200,
  inserted: 1000,
  updated: 100,
  unchanged: 90,
  rejected_count: 10,
  warnings_count: 3,
};

describe('import progress from the event stream', () => {
  it('reads the server’s stream into bars, up to the final event', () => {
    const stream =
      'retry: 3000\n\n' +
      `id: 1\nevent: progress\ndata: ${JSON.stringify({ ...base, status: 'queued', bytes_done: 0, rows: 0 })}\n\n` +
      ': keep-alive\n\n' +
      `id: 2\nevent: progress\ndata: ${JSON.stringify(base)}\n\n` +
      `id: 3\nevent: progress\ndata: ${JSON.stringify({ ...base, status: 'done', bytes_done: 2000, rows: 1203 })}\n\n`;
    const events = new SSEParser().push(stream).map(readProgress);
    expect(events.map((e) => e?.status)).toEqual(['queued', 'running', 'done']);
    expect(events.map((e) => isFinal(e!.status))).toEqual([false, false, true]);
    expect(barOf(events[1]!)).toEqual({ value: 500, max: 2000, text: '25% read, 1,200 rows so far' });
    expect(barOf(events[2]!)).toEqual({ value: 2000, max: 2000, text: 'Done: 1,203 rows read.' });
  });

  it('shows a busy bar, not a made-up share, while the size is unknown', () => {
    expect(barOf({ ...base, status: 'receiving' }).max).toBeNull();
    expect(barOf({ ...base, bytes: 0 })).toEqual({ value: 500, max: null, text: '1,200 rows so far' });
    expect(barOf({ ...base, bytes_done: 5000 }).text).toMatch(/^100% read/);
  });

  it('says a refused file changed nothing', () => {
    expect(barOf({ ...base, status: 'refused' }).text).toBe('Refused: nothing was changed.');
    expect(isFinal('failed')).toBe(true);
  });

  it('ignores other events and malformed data', () => {
    expect(readProgress({ event: 'message', data: JSON.stringify(base), id: '' })).toBeNull();
    expect(readProgress({ event: 'progress', data: '{not json', id: '' })).toBeNull();
    expect(readProgress({ event: 'progress', data: '{"status":"done"}', id: '' })).toBeNull();
    expect(readProgress({ event: 'progress', data: 'null', id: '' })).toBeNull();
  });
});
