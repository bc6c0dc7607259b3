import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemFrom, problemStatus, TYPE_PREFIX } from './errors';

// The Go catalogue is the source; this keeps the TypeScript mirror honest.
const goCatalogue = fileURLToPath(new URL('../../../backend/platform/httpx/problem.go', import.meta.url));

const httpStatus: Record<string, number> = {
  StatusBadRequest: 400,
  StatusUnauthorized: 401,
  StatusForbidden: 403,
  StatusNotFound: 404,
  StatusMethodNotAllowed: 405,
  StatusConflict: 409,
  StatusGone: 410,
  StatusRequestEntityTooLarge: 413,
  StatusUnsupportedMediaType: 415,
  StatusUnprocessableEntity: 422,
  StatusLocked: 423,
  StatusTooManyRequests: 429,
  StatusInternalServerError: 500,
  StatusServiceUnavailable: 503,
};

describe('problem catalogue', () => {
  it('mirrors backend/platform/httpx/problem.go', () => {
    const src = readFileSync(goCatalogue, 'utf8');
    const go: Record<string, number> = {};
    for (const m of src.matchAll(/Kind\{"([a-z-]+)",\s*http\.(Status\w+),/g)) {
      const status = httpStatus[m[2]!];
      expect(status, `unknown Go status ${m[2]}`).toBeDefined();
      go[m[1]!] = status!;
    }
    expect(Object.keys(go).length).toBeGreaterThan(10);
    expect(problemStatus).toEqual(go);
  });

  it('uses the same type prefix as the server', () => {
    const src = readFileSync(goCatalogue, 'utf8');
    expect(src).toContain(`const TypePrefix = "${TYPE_PREFIX}"`);
  });

  it('keeps extension members of the body', () => {
    const err = problemFrom(429, { type: `${TYPE_PREFIX}rate-limited`, title: 'Too many requests', status: 429, retry_after: 30 });
    expect(err.code).toBe('rate-limited');
    expect(err.body.retry_after).toBe(30);
  });
});
