import { describe, expect, it } from 'vitest';
import { Api, type Session } from './api';
import { ApiError, NetworkError, TYPE_PREFIX } from './errors';
import { MEDIA_RULES, mediaUploads, uploadMedia, type MediaView, type UploadProgress } from './financier-api';

const stored: MediaView = {
  id: 7,
  key: 'k3y',
  url: '/media/k3y',
  kind: 'image',
  content_type: 'image/png',
  file_name: 'puma.png',
  bytes: 67,
  sha256: 'ab'.repeat(32),
  created_at: '2026-11-20T10:00:00Z',
};

type Reply = { status: number; body?: unknown; type?: string; progress?: Array<[number, number]> } | 'network-error' | 'hang';

/**
 * FakeXHR is the part of XMLHttpRequest uploadMedia uses. It records each
 * request and answers from a queue, firing upload progress first, the way
 * a browser does.
 */
class FakeXHR {
  static sent: Array<{ method: string; url: string; headers: Record<string, string>; body: FormData }> = [];
  static replies: Reply[] = [];
  static aborted = 0;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = '';
  private method = '';
  private url = '';
  private headers: Record<string, string> = {};
  private type = '';

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return name.toLowerCase() === 'content-type' ? this.type : null;
  }
  abort() {
    FakeXHR.aborted++;
    this.onabort?.();
  }
  send(body: FormData) {
    FakeXHR.sent.push({ method: this.method, url: this.url, headers: { ...this.headers }, body });
    const r = FakeXHR.replies.shift();
    if (!r) throw new Error(`unexpected upload to ${this.url}`);
    if (r === 'hang') return;
    queueMicrotask(() => {
      if (r === 'network-error') {
        this.onerror?.();
        return;
      }
      for (const [loaded, total] of r.progress ?? []) this.upload.onprogress?.({ loaded, total, lengthComputable: total > 0 });
      this.status = r.status;
      this.type = r.type ?? (r.status >= 400 ? 'application/problem+json' : 'application/json');
      this.responseText = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      this.onload?.();
    });
  }
}

function fakeXHR(replies: Reply[]) {
  FakeXHR.sent = [];
  FakeXHR.replies = replies;
  FakeXHR.aborted = 0;
  return () => new FakeXHR() as unknown as XMLHttpRequest;
}

function problem(code: string, status: number, detail?: string) {
  return { status, body: { type: TYPE_PREFIX + code, title: code, status, ...(detail ? { detail } : {}) } };
}

function session(token: string): Session {
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: 900,
    subject: { kind: 'staff', id: 3, name: 'Mo', role: 'financier_marketer', financier: null, dealer_group: null },
  };
}

/** refresher is an Api whose refresh answers the given replies (a session or a 401). */
function refresher(replies: Array<Session | 401>) {
  const seen: string[] = [];
  let current: string | null = 'old-token';
  const fetchFn = (async (input: RequestInfo | URL) => {
    seen.push(String(input));
    const r = replies.shift();
    if (r === undefined) throw new Error(`unexpected call ${String(input)}`);
    if (r === 401) {
      return new Response(JSON.stringify(problem('unauthorized', 401).body), { status: 401, headers: { 'Content-Type': 'application/problem+json' } });
    }
    return new Response(JSON.stringify(r), { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  const api = new Api({
    kind: 'staff',
    fetch: fetchFn,
    onSession: (s) => {
      current = s?.access_token ?? null;
    },
  });
  return { api, seen, token: () => current };
}

const png = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'puma.png', { type: 'image/png' });

describe('uploadMedia', () => {
  it('posts the file as the multipart part "file" with the token, and reports progress', async () => {
    const xhr = fakeXHR([{ status: 201, body: stored, progress: [[0, 400], [200, 400], [400, 400]] }]);
    const { api, token } = refresher([]);
    const seen: UploadProgress[] = [];
    const got = await uploadMedia(api, png(), { token, xhr, onProgress: (p) => seen.push(p) });
    expect(got).toEqual(stored);
    expect(FakeXHR.sent).toHaveLength(1);
    const req = FakeXHR.sent[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/media');
    expect(req.headers.Authorization).toBe('Bearer old-token');
    expect(req.headers['Content-Type']).toBeUndefined();
    const part = req.body.get('file');
    expect(part).toBeInstanceOf(File);
    expect((part as File).name).toBe('puma.png');
    expect(seen).toEqual([
      { loaded: 0, total: 400 },
      { loaded: 200, total: 400 },
      { loaded: 400, total: 400 },
    ]);
  });

  it.each([
    ['payload-too-large', 413, 'An image can be at most 5 MiB.'],
    ['unsupported-media-type', 415, 'The file is not a JPEG, PNG or WebP image.'],
    ['validation', 422, 'The file is empty.'],
  ])('turns a %s reply into a typed error with its detail', async (code, status, detail) => {
    const xhr = fakeXHR([problem(code, status, detail)]);
    const err = await uploadMedia(refresher([]).api, png(), { token: () => 't', xhr }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(code);
    expect((err as ApiError).detail).toBe(detail);
  });

  it('reads a proxy’s HTML 413 page by its status', async () => {
    const xhr = fakeXHR([{ status: 413, type: 'text/html', body: '<h1>Too big</h1>' }]);
    const err = (await uploadMedia(refresher([]).api, png(), { token: () => 't', xhr }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('payload-too-large');
    expect(err.detail).toBe('');
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const xhr = fakeXHR([problem('unauthorized', 401), { status: 201, body: stored }]);
    const { api, seen, token } = refresher([session('new-token')]);
    expect(await uploadMedia(api, png(), { token, xhr })).toEqual(stored);
    expect(seen).toEqual(['/api/v1/auth/refresh']);
    expect(FakeXHR.sent.map((r) => r.headers.Authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
  });

  it('gives up when the session cannot be refreshed', async () => {
    const xhr = fakeXHR([problem('unauthorized', 401)]);
    const { api, token } = refresher([401]);
    const err = (await uploadMedia(api, png(), { token, xhr }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('unauthorized');
    expect(FakeXHR.sent).toHaveLength(1);
    expect(token()).toBeNull();
  });

  it('does not refresh for a 401 that is about the request itself', async () => {
    const xhr = fakeXHR([problem('mfa-required', 401)]);
    const { api, seen, token } = refresher([]);
    const err = (await uploadMedia(api, png(), { token, xhr }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('mfa-required');
    expect(seen).toEqual([]);
  });

  it('says the network is down when no answer came', async () => {
    const xhr = fakeXHR(['network-error']);
    const err = await uploadMedia(refresher([]).api, png(), { token: () => 't', xhr }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
  });

  it('stops the request when aborted, and rejects with an AbortError', async () => {
    const xhr = fakeXHR(['hang']);
    const ctl = new AbortController();
    const pending = uploadMedia(refresher([]).api, png(), { token: () => 't', xhr, signal: ctl.signal });
    ctl.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect(FakeXHR.aborted).toBe(1);
  });

  it('sends nothing when aborted before it starts', async () => {
    const xhr = fakeXHR([]);
    const ctl = new AbortController();
    ctl.abort();
    const err = await uploadMedia(refresher([]).api, png(), { token: () => 't', xhr, signal: ctl.signal }).catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('AbortError');
    expect(FakeXHR.sent).toHaveLength(0);
  });
});

describe('mediaUploads', () => {
  it('asks for one kind, newest first as the server lists them', async () => {
    const calls: string[] = [];
    const api = new Api({
      kind: 'staff',
      fetch: (async (input: RequestInfo | URL) => {
        calls.push(String(input));
        return new Response(JSON.stringify({ items: [stored] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }) as typeof fetch,
    });
    expect(await mediaUploads(api, 'captions')).toEqual({ items: [stored] });
    expect(calls).toEqual(['/api/v1/media?kind=captions']);
  });
});

describe('MEDIA_RULES', () => {
  it('has the server’s caps', () => {
    expect(MEDIA_RULES.image.maxBytes).toBe(5 * 1024 * 1024);
    expect(MEDIA_RULES.captions.maxBytes).toBe(512 * 1024);
    expect(MEDIA_RULES.video.maxBytes).toBe(100 * 1024 * 1024);
  });

  it('offers only the types the server takes in the picker', () => {
    expect(MEDIA_RULES.image.accept.split(',')).toEqual(expect.arrayContaining(['image/jpeg', 'image/png', 'image/webp']));
    expect(MEDIA_RULES.video.accept.split(',')).toEqual(expect.arrayContaining(['video/mp4', 'video/webm']));
    expect(MEDIA_RULES.captions.accept.split(',')).toEqual(expect.arrayContaining(['.vtt']));
    expect(MEDIA_RULES.image.accept).not.toMatch(/gif|svg/);
  });
});
