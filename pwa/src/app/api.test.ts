import { describe, expect, it } from 'vitest';
import { Api, type Session } from './api';
import { ApiError, InviteLockedError, NetworkError, problemStatus, TYPE_PREFIX } from './errors';

interface Call {
  url: string;
  method: string;
  auth: string | null;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Reply = { status: number; body?: unknown; type?: string } | Error;

// fakeServer answers fetches from a queue of replies and records the calls.
function fakeServer(replies: Reply[]) {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      auth: headers.get('Authorization'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      credentials: init?.credentials,
    });
    const r = replies.shift();
    if (!r) throw new Error(`unexpected call ${init?.method} ${String(input)}`);
    if (r instanceof Error) throw r;
    const type = r.type ?? (r.status >= 400 ? 'application/problem+json' : 'application/json');
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
      status: r.status,
      headers: { 'Content-Type': type },
    });
  }) as typeof fetch;
  return { calls, fetchFn };
}

function problem(code: keyof typeof problemStatus, extra: Record<string, unknown> = {}) {
  return {
    status: problemStatus[code],
    body: { type: TYPE_PREFIX + code, title: code, status: problemStatus[code], detail: `detail of ${code}`, ...extra },
  };
}

function session(token: string): Session {
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: 900,
    subject: {
      kind: 'customer',
      id: 1,
      name: 'Jane Doe',
      role: 'customer',
      financier: { slug: 'demo', name: 'Demo Motor Finance', brand_colour: '#0b5394' },
      dealer_group: null,
    },
  };
}

describe('error mapping', () => {
  it.each(Object.keys(problemStatus) as Array<keyof typeof problemStatus>)('maps %s to a typed error', async (code) => {
    const { fetchFn } = fakeServer([problem(code)]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    const err = await api.request('GET', '/x', undefined, { auth: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(code);
    expect((err as ApiError).status).toBe(problemStatus[code]);
    expect((err as ApiError).detail).toBe(`detail of ${code}`);
  });

  it('carries per-field errors of a 422', async () => {
    const errors = [{ field: 'postcode', code: 'format', message: 'Enter a real postcode.' }];
    const { fetchFn } = fakeServer([problem('validation', { errors })]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    const err = (await api.customerVerify('t', '1986-04-12', 'x').catch((e: unknown) => e)) as ApiError;
    expect(err.is('validation')).toBe(true);
    expect(err.fieldMessage('postcode')).toBe('Enter a real postcode.');
    expect(err.fieldMessage('date_of_birth')).toBeUndefined();
  });

  it('types a locked invite with its unlock time and contact', async () => {
    const { fetchFn } = fakeServer([
      problem('invite-locked', {
        locked_until: '2026-11-23T15:04:05Z',
        contact: { phone: '0113 496 0000', email: 'help@example.com' },
      }),
      problem('invite-locked', { locked_until: null, contact: { phone: '0113 496 0000', email: 'help@example.com' } }),
    ]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    const timed = await api.customerInvite('t').catch((e: unknown) => e);
    expect(timed).toBeInstanceOf(InviteLockedError);
    expect((timed as InviteLockedError).lockedUntil?.toISOString()).toBe('2026-11-23T15:04:05.000Z');
    expect((timed as InviteLockedError).contact).toEqual({ phone: '0113 496 0000', email: 'help@example.com' });
    const untilStaff = (await api.customerInvite('t').catch((e: unknown) => e)) as InviteLockedError;
    expect(untilStaff.lockedUntil).toBeNull();
  });

  it('maps a reply without a problem body by its status', async () => {
    const { fetchFn } = fakeServer([
      { status: 502, body: undefined, type: 'text/html' },
      { status: 410, body: undefined, type: 'text/html' },
    ]);
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    const gateway = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(gateway.code).toBe('internal');
    expect(gateway.status).toBe(502);
    const gone = (await api.staffLink('t').catch((e: unknown) => e)) as ApiError;
    expect(gone.code).toBe('link-invalid');
  });

  it('treats an unknown problem type by its status', async () => {
    const { fetchFn } = fakeServer([{ status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404 } }]);
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    const err = (await api.request('GET', '/nope', undefined, { auth: false }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('not-found');
  });

  it('turns a failed fetch into a NetworkError', async () => {
    const { fetchFn } = fakeServer([new TypeError('Failed to fetch')]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    await expect(api.customerInvite('t')).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('sessions', () => {
  it('sends the token it was given, same-origin credentials, and JSON', async () => {
    const { calls, fetchFn } = fakeServer([
      { status: 200, body: session('access-1') },
      { status: 200, body: { customer: { first_name: 'Jane', last_name: 'Doe' }, financier: {}, agreements: [] } },
    ]);
    const seen: Array<Session | null> = [];
    const api = new Api({ kind: 'customer', fetch: fetchFn, onSession: (s) => seen.push(s) });
    await api.customerVerify('invite-token', '1986-04-12', 'LS1 4AP');
    await api.customerOverview();

    expect(calls[0]).toMatchObject({
      url: '/api/v1/auth/customer/verify',
      method: 'POST',
      auth: null,
      body: { token: 'invite-token', date_of_birth: '1986-04-12', postcode: 'LS1 4AP' },
      credentials: 'same-origin',
    });
    expect(calls[1]).toMatchObject({ url: '/api/v1/customer/overview', method: 'GET', auth: 'Bearer access-1' });
    expect(seen.map((s) => s?.access_token)).toEqual(['access-1']);
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const { calls, fetchFn } = fakeServer([
      problem('unauthorized'),
      { status: 200, body: session('access-2') },
      { status: 200, body: { subject: session('access-2').subject } },
    ]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    const me = await api.me();
    expect(me.subject.name).toBe('Jane Doe');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/me',
    ]);
    expect(calls[1]?.body).toEqual({ kind: 'customer' });
    expect(calls[2]?.auth).toBe('Bearer access-2');
  });

  it('gives up after one refresh and forgets the session', async () => {
    const { calls, fetchFn } = fakeServer([
      problem('unauthorized'),
      { status: 200, body: session('access-2') },
      problem('unauthorized'),
    ]);
    const seen: Array<Session | null> = [];
    const api = new Api({ kind: 'staff', fetch: fetchFn, onSession: (s) => seen.push(s) });
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('unauthorized');
    expect(calls).toHaveLength(3);
    expect(api.hasToken).toBe(false);
    expect(seen.at(-1)).toBeNull();
  });

  it('does not retry when the refresh itself is refused', async () => {
    const { calls, fetchFn } = fakeServer([problem('unauthorized'), problem('unauthorized')]);
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    await expect(api.financierOverview()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/financier/overview', '/api/v1/auth/refresh']);
  });

  it('does not refresh on a 401 that is an answer, such as a wrong TOTP code', async () => {
    const { calls, fetchFn } = fakeServer([{ status: 200, body: session('a') }, problem('mfa-invalid')]);
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    await api.staffLink('link');
    await expect(api.totpConfirm('123456')).rejects.toMatchObject({ code: 'mfa-invalid' });
    expect(calls).toHaveLength(2);
    expect(api.hasToken).toBe(true);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const { calls, fetchFn } = fakeServer([
      problem('unauthorized'),
      problem('unauthorized'),
      { status: 200, body: session('fresh') },
      { status: 200, body: { subject: session('fresh').subject } },
      { status: 200, body: { subject: session('fresh').subject } },
    ]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    await Promise.all([api.me(), api.me()]);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
  });

  it('answers null from refresh when there is no session, and throws when offline', async () => {
    const { fetchFn } = fakeServer([problem('unauthorized'), new TypeError('offline')]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    await expect(api.refresh()).resolves.toBeNull();
    await expect(api.refresh()).rejects.toBeInstanceOf(NetworkError);
  });

  it('asks for the TOTP code when the login answers mfa-required, then sends it', async () => {
    const { calls, fetchFn } = fakeServer([problem('mfa-required'), { status: 200, body: session('staff') }]);
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    await expect(api.staffLogin('a@example.com', 'pw')).rejects.toMatchObject({ code: 'mfa-required' });
    await api.staffLogin('a@example.com', 'pw', '123456');
    expect(calls[0]?.body).toEqual({ email: 'a@example.com', password: 'pw' });
    expect(calls[1]?.body).toEqual({ email: 'a@example.com', password: 'pw', totp_code: '123456' });
    expect(api.hasToken).toBe(true);
  });

  it('forgets the token on logout even when the network fails', async () => {
    const { calls, fetchFn } = fakeServer([{ status: 200, body: session('a') }, new TypeError('offline')]);
    const api = new Api({ kind: 'customer', fetch: fetchFn });
    await api.staffLink('x');
    await expect(api.logout()).rejects.toBeInstanceOf(NetworkError);
    expect(api.hasToken).toBe(false);
    expect(calls[1]?.body).toEqual({ kind: 'customer' });
  });

  it('reads 204 and 202 replies', async () => {
    const { fetchFn } = fakeServer([
      { status: 204 },
      { status: 202, body: { detail: 'If we know this address, we have emailed you a new link.' } },
    ]);
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    await expect(api.confirmPasswordReset('t', 'a long password')).resolves.toBeUndefined();
    await expect(api.requestCustomerLink('a@example.com')).resolves.toEqual({
      detail: 'If we know this address, we have emailed you a new link.',
    });
  });

  it('never writes a token to web storage', async () => {
    const writes: string[] = [];
    const storage = {
      setItem: (k: string) => writes.push(k),
      getItem: () => null,
      removeItem: () => {},
      clear: () => {},
      key: () => null,
      length: 0,
    };
    (globalThis as Record<string, unknown>).localStorage = storage;
    (globalThis as Record<string, unknown>).sessionStorage = storage;
    try {
      const { fetchFn } = fakeServer([problem('unauthorized'), { status: 200, body: session('a') }, { status: 200, body: {} }]);
      const api = new Api({ kind: 'customer', fetch: fetchFn });
      await api.customerOverview();
      expect(writes).toEqual([]);
    } finally {
      delete (globalThis as Record<string, unknown>).localStorage;
      delete (globalThis as Record<string, unknown>).sessionStorage;
    }
  });
});
