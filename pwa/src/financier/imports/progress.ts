// An import's progress as the console shows it, read from the "progress"
// events of GET /imports/{id}/events (see app/sse.ts for the stream).
import type { ImportStatus, ProgressEvent } from '../../app/financier-api';
import type { SSEMessage } from '../../app/sse';

/** FINAL are the statuses an import stays in: the stream ends with one of them. */
export const FINAL: ImportStatus[] = ['done', 'refused', 'failed'];

/** isFinal reports whether an import is over. */
export function isFinal(status: ImportStatus): boolean {
  return FINAL.includes(status);
}

/** readProgress reads one stream message; anything that is not a well-formed progress event is null. */
export function readProgress(m: SSEMessage): ProgressEvent | null {
  if (m.event !== 'progress') return null;
  let v: unknown;
  try {
    v = JSON.parse(m.data);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const e = v as Partial<ProgressEvent>;
  const nums = ['id', 'bytes', 'bytes_done', 'rows', 'inserted', 'updated', 'unchanged', 'rejected_count', 'warnings_count'] as const;
  if (typeof e.status !== 'string' || nums.some((k) => typeof e[k] !== 'number')) return null;
  return e as ProgressEvent;
}

const count = new Intl.NumberFormat('en-GB');
const pct = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });

/** Bar is what the progress bar shows: value of max (max null: busy, no measure) and the words for it. */
export interface Bar {
  value: number;
  max: number | null;
  text: string;
}

/** barOf turns a progress event into the bar and its words. */
export function barOf(e: ProgressEvent): Bar {
  switch (e.status) {
    case 'receiving':
      return { value: 0, max: null, text: 'Receiving the file…' };
    case 'queued':
      return { value: 0, max: e.bytes || null, text: 'Waiting for a worker to start loading…' };
    case 'running': {
      const max = e.bytes > 0 ? e.bytes : null;
      const share = max ? pct.format(Math.min(e.bytes_done / max, 1)) : '';
      return {
        value: e.bytes_done,
        max,
        text: `${share ? `${share} read, ` : ''}${count.format(e.rows)} ${e.rows === 1 ? 'row' : 'rows'} so far`,
      };
    }
    case 'done':
      return { value: e.bytes || 1, max: e.bytes || 1, text: `Done: ${count.format(e.rows)} ${e.rows === 1 ? 'row' : 'rows'} read.` };
    case 'refused':
      return { value: 0, max: e.bytes || 1, text: 'Refused: nothing was changed.' };
    default:
      return { value: e.bytes_done, max: e.bytes || null, text: 'Stopped by an error.' };
  }
}

/** STATUS_WORDS are the statuses in plain English. */
export const STATUS_WORDS: Record<ImportStatus, string> = {
  receiving: 'Receiving',
  queued: 'Waiting',
  running: 'Loading',
  done: 'Done',
  refused: 'Refused',
  failed: 'Failed',
};
