// The one typed client of the Keyturn API (/api/v1). It holds the access
// token in memory only: the refresh token is an HttpOnly cookie the browser
// sends by itself, so a reload signs in again with POST /auth/refresh and
// nothing secret ever sits in localStorage or IndexedDB.
import { ApiError, NetworkError, problemFrom } from './errors';

export type SubjectKind = 'staff' | 'customer';

/** FinancierBrand is how a financier shows itself to people. */
export interface FinancierBrand {
  slug: string;
  name: string;
  brand_colour: string;
}

/** FinancierContact adds what a customer needs to reach a person. */
export interface FinancierContact extends FinancierBrand {
  logo_url: string | null;
  support_phone: string;
  support_email: string;
}

/** Subject is who a session belongs to. */
export interface Subject {
  kind: SubjectKind;
  id: number;
  name: string;
  role: string;
  financier: FinancierBrand | null;
  dealer_group: { id: number; name: string } | null;
}

/** Session is the answer of every sign-in and of refresh. */
export interface Session {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  subject: Subject;
}

export interface Vehicle {
  make: string;
  model: string;
  derivative: string;
  registration: string;
}

export type Product = 'pcp' | 'hp' | 'pch';

/** Agreement is one finance agreement as the customer sees it. Money in pence. */
export interface Agreement {
  id: number;
  agreement_number: string;
  product: Product;
  status: string;
  start_date: string;
  end_date: string;
  term_months: number;
  monthly_payment: number;
  optional_final_payment: number | null;
  payments_left: number;
  currency: string;
  vehicle: Vehicle;
}

export interface CustomerOverview {
  customer: { first_name: string; last_name: string };
  financier: FinancierContact;
  agreements: Agreement[];
}

export interface FinancierOverview {
  financier: FinancierBrand & { market: string; currency: string };
  counts: {
    customers: number;
    agreements: number;
    agreements_ending_within_90_days: number;
    dealer_locations: number;
  };
}

export interface DealerLocation {
  id: number;
  code: string;
  name: string;
  town: string;
  postcode: string;
}

export interface DealerOverview {
  dealer_group: { id: number; name: string };
  locations: DealerLocation[];
}

export interface StaffMember {
  id: number;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  totp_enabled: boolean;
  last_login_at: string | null;
}

export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** RawOptions describe a call made with Api.raw. */
export interface RawOptions {
  body?: BodyInit;
  /** The body's media type; leave it out for FormData. */
  contentType?: string;
  /** What to accept; JSON and problem+json by default. */
  accept?: string;
  /** More headers, such as Last-Event-ID when a stream resumes. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

interface RequestOptions {
  /** Send the access token, and on a 401 refresh once and retry. */
  auth?: boolean;
}

export interface ApiOptions {
  kind: SubjectKind;
  /** Defaults to the global fetch; tests pass their own. */
  fetch?: typeof fetch;
  /** Defaults to /api/v1. */
  base?: string;
  /** Called whenever the session changes: signed in, refreshed, or ended. */
  onSession?: (session: Session | null) => void;
}

/** Api talks to /api/v1 for one kind of subject (staff or customer). */
export class Api {
  readonly kind: SubjectKind;
  private readonly fetchFn: typeof fetch;
  private readonly base: string;
  private readonly onSession: (session: Session | null) => void;
  private token: string | null = null;
  private refreshing: Promise<Session | null> | null = null;

  constructor(opts: ApiOptions) {
    this.kind = opts.kind;
    // Bind, or window.fetch throws "Illegal invocation" when called as a method.
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.base = opts.base ?? '/api/v1';
    this.onSession = opts.onSession ?? (() => {});
  }

  /** hasToken reports whether an access token is held (in memory). */
  get hasToken(): boolean {
    return this.token !== null;
  }

  /** adopt keeps a session's access token and tells the listener. */
  adopt(session: Session): Session {
    this.token = session.access_token;
    this.onSession(session);
    return session;
  }

  /** forget drops the access token and tells the listener. */
  forget(): void {
    this.token = null;
    this.onSession(null);
  }

  /**
   * refresh exchanges the refresh cookie for a new session. It answers null
   * when the server says there is no valid session (401); any other failure,
   * such as being offline, is thrown. Concurrent callers share one request,
   * because the cookie rotates and a second use would revoke the family.
   */
  refresh(): Promise<Session | null> {
    if (!this.refreshing) {
      this.refreshing = this.send<Session>('POST', '/auth/refresh', { kind: this.kind }, false)
        .then((s) => this.adopt(s))
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 401) {
            this.forget();
            return null;
          }
          throw err;
        })
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }

  /** logout ends the session on the server and forgets the token. */
  async logout(): Promise<void> {
    try {
      await this.send<void>('POST', '/auth/logout', { kind: this.kind }, false);
    } finally {
      this.forget();
    }
  }

  /**
   * request sends one API call. With auth (the default) it sends the access
   * token, and on a 401 unauthorized it refreshes once and retries once; a
   * second one ends the session.
   */
  async request<T>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const auth = opts.auth ?? true;
    if (!auth) return this.send<T>(method, path, body, false);
    try {
      return await this.send<T>(method, path, body, true);
    } catch (err) {
      // Only an expired or missing token is worth a refresh; a 401 such as
      // mfa-invalid is an answer about the request itself.
      if (!isUnauthorized(err)) throw err;
      const session = await this.refresh();
      if (!session) throw err;
    }
    try {
      return await this.send<T>(method, path, body, true);
    } catch (err) {
      if (isUnauthorized(err)) this.forget();
      throw err;
    }
  }

  /**
   * raw sends a call whose body or answer is not JSON: a CSV or multipart
   * upload, a file to download, a stream of server-sent events. It has the
   * same token handling as request (one refresh and retry on a 401) and
   * throws the same typed errors; a successful Response is returned unread.
   */
  async raw(method: Method, path: string, opts: RawOptions = {}): Promise<Response> {
    try {
      return await this.sendRaw(method, path, opts);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      const session = await this.refresh();
      if (!session) throw err;
    }
    try {
      return await this.sendRaw(method, path, opts);
    } catch (err) {
      if (isUnauthorized(err)) this.forget();
      throw err;
    }
  }

  /** upload sends a non-JSON body (CSV text, a FormData) and reads a JSON answer. */
  async upload<T>(method: Method, path: string, body: BodyInit, contentType?: string): Promise<T> {
    const res = await this.raw(method, path, { body, contentType });
    return (await readJSON(res)) as T;
  }

  private async sendRaw(method: Method, path: string, opts: RawOptions): Promise<Response> {
    const headers: Record<string, string> = {
      ...opts.headers,
      Accept: opts.accept ?? 'application/json, application/problem+json',
    };
    // No Content-Type for FormData: the browser writes it with the boundary.
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: opts.body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal: opts.signal,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new NetworkError(err);
    }
    if (!res.ok) throw problemFrom(res.status, await readJSON(res));
    return res;
  }

  private async send<T>(method: Method, path: string, body: unknown, withToken: boolean): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (withToken && this.token) headers.Authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (err) {
      throw new NetworkError(err);
    }
    const data = await readJSON(res);
    if (!res.ok) throw problemFrom(res.status, data);
    return data as T;
  }

  // Customer sign-in.

  /** customerInvite looks at an invite without using it up. */
  customerInvite(token: string): Promise<{ financier: FinancierContact }> {
    return this.request('POST', '/auth/customer/invite', { token }, { auth: false });
  }

  /** customerVerify checks date of birth and postcode against the invite. */
  async customerVerify(token: string, dateOfBirth: string, postcode: string): Promise<Session> {
    const s = await this.request<Session>(
      'POST',
      '/auth/customer/verify',
      { token, date_of_birth: dateOfBirth, postcode },
      { auth: false },
    );
    return this.adopt(s);
  }

  /** requestCustomerLink asks for a new sign-in link; it always answers the same. */
  requestCustomerLink(email: string): Promise<{ detail: string }> {
    return this.request('POST', '/auth/customer/request-link', { email }, { auth: false });
  }

  customerOverview(): Promise<CustomerOverview> {
    return this.request('GET', '/customer/overview');
  }

  // Staff sign-in.

  /** staffLogin signs in with a password, and the TOTP code when asked for one. */
  async staffLogin(email: string, password: string, totpCode?: string): Promise<Session> {
    const body: Record<string, string> = { email, password };
    if (totpCode) body.totp_code = totpCode;
    const s = await this.request<Session>('POST', '/auth/staff/login', body, { auth: false });
    return this.adopt(s);
  }

  /** staffLink signs in with a one-time link. */
  async staffLink(token: string): Promise<Session> {
    return this.adopt(await this.request<Session>('POST', '/auth/staff/link', { token }, { auth: false }));
  }

  /** acceptInvite sets the first password of an invited staff member. */
  async acceptInvite(token: string, password: string): Promise<Session> {
    return this.adopt(
      await this.request<Session>('POST', '/auth/staff/accept-invite', { token, password }, { auth: false }),
    );
  }

  requestPasswordReset(email: string): Promise<{ detail: string }> {
    return this.request('POST', '/auth/staff/password-reset', { email }, { auth: false });
  }

  confirmPasswordReset(token: string, password: string): Promise<void> {
    return this.request('POST', '/auth/staff/password-reset/confirm', { token, password }, { auth: false });
  }

  totpSetup(): Promise<TotpSetup> {
    return this.request('POST', '/auth/totp/setup');
  }

  totpConfirm(code: string): Promise<void> {
    return this.request('POST', '/auth/totp/confirm', { code });
  }

  me(): Promise<{ subject: Subject }> {
    return this.request('GET', '/me');
  }

  financierOverview(): Promise<FinancierOverview> {
    return this.request('GET', '/financier/overview');
  }

  dealerOverview(): Promise<DealerOverview> {
    return this.request('GET', '/dealer/overview');
  }

  listStaff(): Promise<{ items: StaffMember[] }> {
    return this.request('GET', '/staff');
  }

  inviteStaff(invite: { email: string; name: string; role: string }): Promise<unknown> {
    return this.request('POST', '/staff/invitations', invite);
  }

  updateStaff(id: number, patch: { role?: string; disabled?: boolean }): Promise<StaffMember> {
    return this.request('PATCH', `/staff/${encodeURIComponent(String(id))}`, patch);
  }
}

function isUnauthorized(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 'unauthorized';
}

// readJSON parses a JSON or problem+json body; anything else (204, an HTML
// error page from a proxy) reads as undefined.
async function readJSON(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const type = res.headers.get('Content-Type') ?? '';
  if (!/^application\/(problem\+)?json\b/i.test(type)) return undefined;
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}
