import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, problemFrom, TYPE_PREFIX } from '../../../app/errors';
import { fileNameOf, isAbort, limitsText, previewable, progressText, tooBig, uploadError } from './media';

const problem = (code: string, status: number, extra: Record<string, unknown> = {}): ApiError =>
  problemFrom(status, { type: TYPE_PREFIX + code, title: code, status, ...extra });

describe('media limits', () => {
  it('says what each picker takes', () => {
    expect(limitsText('image')).toBe('JPEG, PNG or WebP, up to 5 MB');
    expect(limitsText('video')).toBe('MP4 or WebM, up to 100 MB');
    expect(limitsText('captions')).toBe('WebVTT (.vtt), up to 512 KB');
  });

  it('refuses a file over the cap before sending it, and takes one at the cap', () => {
    expect(tooBig('image', { name: 'a.png', size: 5 * 1024 * 1024 })).toBeNull();
    expect(tooBig('image', { name: 'big.png', size: 5 * 1024 * 1024 + 1 })).toBe('big.png is 5 MB: an image can be at most 5 MB.');
    expect(tooBig('captions', { name: 'c.vtt', size: 600 * 1024 })).toBe('c.vtt is 600 KB: a captions file can be at most 512 KB.');
    expect(tooBig('video', { name: 'v.mp4', size: 150 * 1024 * 1024 })).toBe('v.mp4 is 150 MB: a video can be at most 100 MB.');
    expect(tooBig('video', { name: 'v.mp4', size: 99 * 1024 * 1024 })).toBeNull();
  });
});

describe('uploadError', () => {
  it('uses the server’s detail when it gave one', () => {
    expect(uploadError('image', problem('unsupported-media-type', 415, { detail: 'The file is not a JPEG, PNG or WebP image.' }))).toBe(
      'The file is not a JPEG, PNG or WebP image.',
    );
    expect(uploadError('video', problem('payload-too-large', 413, { detail: 'A video can be at most 100 MiB.' }))).toBe('A video can be at most 100 MiB.');
  });

  it('says what was wrong when a 413 or 415 came without a detail', () => {
    expect(uploadError('image', problemFrom(413, undefined))).toBe('The file is too large: an image can be at most 5 MB.');
    expect(uploadError('captions', problemFrom(415, undefined))).toBe('The file is not WebVTT (.vtt). Choose a captions file in one of those formats.');
  });

  it('uses the message about the file part of a 422', () => {
    const err = problem('validation', 422, {
      detail: 'The upload is not valid.',
      errors: [{ field: 'file', code: 'required', message: 'Choose a file to upload.' }],
    });
    expect(uploadError('image', err)).toBe('Choose a file to upload.');
  });

  it('falls back to the console’s plain words', () => {
    expect(uploadError('image', new NetworkError())).toMatch(/offline/);
    expect(uploadError('image', problem('forbidden', 403))).toBe('Your account is not allowed to do this.');
  });
});

describe('progressText', () => {
  it('reads as the bar’s value', () => {
    expect(progressText({ loaded: 0, total: 0 })).toBe('0 bytes sent');
    expect(progressText({ loaded: 3 * 1024 * 1024, total: 40 * 1024 * 1024 })).toBe('3 MB of 40 MB sent (7%)');
    expect(progressText({ loaded: 40, total: 40 })).toBe('Sent. The server is checking the file…');
  });
});

describe('previewable', () => {
  it.each([
    ['/media/3f9a1c', true],
    ['/media/3f9a1c.vtt', true],
    ['/assets/demo/puma.webp', true],
    [' /media/abc ', true],
    ['/media/', false],
    ['/media/../api/v1/me', false],
    ['/api/v1/media', false],
    ['//evil.example/media/x', false],
    ['https://cdn.example.com/puma.jpg', false],
    ['javascript:alert(1)', false],
    ['', false],
  ])('%s → %s', (url, want) => {
    expect(previewable(url)).toBe(want);
  });
});

describe('fileNameOf', () => {
  it('prefers the name the file was uploaded with', () => {
    expect(fileNameOf('/media/k3y', { '/media/k3y': 'Puma front.png' })).toBe('Puma front.png');
  });

  it('else reads the last part of the address', () => {
    expect(fileNameOf('https://cdn.example.com/a/puma%20captions.vtt?v=2', {})).toBe('puma captions.vtt');
    expect(fileNameOf('/media/k3y', {})).toBe('k3y');
    expect(fileNameOf('/media/%E0%A4%A', {})).toBe('%E0%A4%A');
  });
});

describe('isAbort', () => {
  it('knows a cancelled upload from a failed one', () => {
    expect(isAbort(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbort(new NetworkError())).toBe(false);
  });
});
