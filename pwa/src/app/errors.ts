// The problem+json catalogue of the API, mirrored from
// backend/platform/httpx/problem.go. Every error reply has
// `type: "urn:keyturn:problem:<code>"`; the client switches on the code,
// never on the human text.

/** TYPE_PREFIX starts every problem type URI. */
export const TYPE_PREFIX = 'urn:keyturn:problem:';

/** problemStatus lists every code the API sends, with its HTTP status. */
export const problemStatus = {
  'bad-request': 400,
  unauthorized: 401,
  'invalid-credentials': 401,
  'mfa-required': 401,
  'mfa-invalid': 401,
  'identity-check-failed': 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'link-invalid': 410,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  validation: 422,
  'invite-locked': 423,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

/** ProblemCode is one code of the catalogue. */
export type ProblemCode = keyof typeof problemStatus;

/** FieldError says what is wrong with one input field (422 `errors`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** ProblemBody is an RFC 9457 body as the API writes it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Contact is how a customer reaches a person at their financier. */
export interface Contact {
  phone: string;
  email: string;
}

function isProblemCode(code: string): code is ProblemCode {
  return Object.prototype.hasOwnProperty.call(problemStatus, code);
}

/** ApiError is an error reply from the API, typed by its catalogue code. */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly body: ProblemBody;

  constructor(code: ProblemCode, body: ProblemBody) {
    super(body.detail || body.title || code);
    this.name = 'ApiError';
    this.code = code;
    this.status = body.status;
    this.title = body.title;
    this.detail = body.detail ?? '';
    this.errors = Array.isArray(body.errors) ? body.errors : [];
    this.body = body;
  }

  /** is reports whether this error has one of the given codes. */
  is(...codes: ProblemCode[]): boolean {
    return codes.includes(this.code);
  }

  /** fieldMessage is the API's message for one input field, if it sent one. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/**
 * InviteLockedError is a 423: too many failed identity checks on an invite.
 * It says until when (null: until a person unlocks it) and whom to call.
 */
export class InviteLockedError extends ApiError {
  readonly lockedUntil: Date | null;
  readonly contact: Contact | null;

  constructor(body: ProblemBody) {
    super('invite-locked', body);
    this.name = 'InviteLockedError';
    const until = typeof body.locked_until === 'string' ? new Date(body.locked_until) : null;
    this.lockedUntil = until && !Number.isNaN(until.getTime()) ? until : null;
    const c = body.contact as Partial<Contact> | undefined;
    this.contact =
      c && typeof c === 'object' && (typeof c.phone === 'string' || typeof c.email === 'string')
        ? { phone: c.phone ?? '', email: c.email ?? '' }
        : null;
  }
}

/** NetworkError means no answer came: offline, DNS, connection reset. */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super('The network is not reachable.', { cause });
    this.name = 'NetworkError';
  }
}

// codeForStatus picks the catalogue code for a reply that carried no problem
// body (a proxy's HTML error page, say). 401 and 500 have more than one code;
// the generic one is listed first in problemStatus.
function codeForStatus(status: number): ProblemCode {
  for (const [code, s] of Object.entries(problemStatus)) {
    if (s === status) return code as ProblemCode;
  }
  if (status >= 500) return 'internal';
  return 'bad-request';
}

/**
 * problemFrom turns an error reply into a typed error. body is the parsed
 * JSON, or undefined when the reply was not problem+json.
 */
export function problemFrom(status: number, body: unknown): ApiError {
  const b = body && typeof body === 'object' ? (body as Partial<ProblemBody>) : {};
  let code: ProblemCode = codeForStatus(status);
  if (typeof b.type === 'string' && b.type.startsWith(TYPE_PREFIX)) {
    const c = b.type.slice(TYPE_PREFIX.length);
    if (isProblemCode(c)) code = c;
  }
  const full: ProblemBody = {
    ...b,
    type: typeof b.type === 'string' ? b.type : TYPE_PREFIX + code,
    title: typeof b.title === 'string' ? b.title : `HTTP ${status}`,
    status,
  };
  if (code === 'invite-locked') return new InviteLockedError(full);
  return new ApiError(code, full);
}
