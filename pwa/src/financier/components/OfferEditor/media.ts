// The words and checks of the offer editor's media fields: what each kind
// of file may be, what to say while it uploads, and what to say when the
// server refuses it. Kept apart from the view so they can be tested.
import { MEDIA_RULES, type MediaKind, type UploadProgress } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { describeError } from '../../../app/messages';
import { formatBytes } from '../../../ui/DropZone';

/** MEDIA_WORDS name each kind of file in the form's words. */
export const MEDIA_WORDS: Record<MediaKind, { upload: string; noun: string }> = {
  image: { upload: 'Upload an image', noun: 'an image' },
  video: { upload: 'Upload a video', noun: 'a video' },
  captions: { upload: 'Upload captions', noun: 'a captions file' },
};

/** limitsText is what the picker takes: "JPEG, PNG or WebP, up to 5 MB". */
export function limitsText(kind: MediaKind): string {
  const r = MEDIA_RULES[kind];
  return `${r.formats}, up to ${formatBytes(r.maxBytes)}`;
}

/**
 * tooBig refuses a file over the server's cap before it is sent: sending
 * 300 MB to be told 413 at the end wastes the marketer's time and data.
 * The server checks again; this is only the early answer.
 */
export function tooBig(kind: MediaKind, file: { name: string; size: number }): string | null {
  const max = MEDIA_RULES[kind].maxBytes;
  if (file.size <= max) return null;
  return `${file.name} is ${formatBytes(file.size)}: ${MEDIA_WORDS[kind].noun} can be at most ${formatBytes(max)}.`;
}

/** isAbort reports whether an upload ended because the marketer cancelled it. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/**
 * uploadError is the field's message for a refused upload: the server's
 * own words (its problem detail) where it gave any, and a plain sentence
 * for a too-large or wrong-type file refused without one (a proxy's 413).
 */
export function uploadError(kind: MediaKind, err: unknown): string {
  if (err instanceof ApiError && !err.detail && err.errors.length === 0) {
    const r = MEDIA_RULES[kind];
    if (err.is('payload-too-large')) return `The file is too large: ${MEDIA_WORDS[kind].noun} can be at most ${formatBytes(r.maxBytes)}.`;
    if (err.is('unsupported-media-type')) return `The file is not ${r.formats}. Choose ${MEDIA_WORDS[kind].noun} in one of those formats.`;
  }
  if (err instanceof ApiError && err.is('validation')) {
    return err.fieldMessage('file') ?? describeError(err);
  }
  return describeError(err);
}

/** progressText says how far an upload is, in words a screen reader reads as the bar's value. */
export function progressText(p: UploadProgress): string {
  if (p.total <= 0) return `${formatBytes(p.loaded)} sent`;
  if (p.loaded >= p.total) return 'Sent. The server is checking the file…';
  const pct = Math.floor((p.loaded / p.total) * 100);
  return `${formatBytes(p.loaded)} of ${formatBytes(p.total)} sent (${pct}%)`;
}

// The paths Keyturn serves itself. Only these are previewed: an address on
// another host is shown by the browser only if the CSP lists that host, and
// a half-typed one would be fetched at every key press.
const OWN_PATH = /^\/(media|assets)\/[A-Za-z0-9_-][A-Za-z0-9_\-./]*$/;

/** previewable reports whether a media address is one of Keyturn's own paths, safe to show as a preview. */
export function previewable(url: string): boolean {
  const u = url.trim();
  return OWN_PATH.test(u) && !u.includes('..');
}

/** fileNameOf names a media file: its name when it was uploaded here, else the last part of its address. */
export function fileNameOf(url: string, names: Readonly<Record<string, string>>): string {
  const u = url.trim();
  const known = names[u];
  if (known) return known;
  const last = u.split(/[?#]/)[0]?.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
