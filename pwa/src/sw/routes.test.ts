import { describe, expect, it } from 'vitest';
import { handlesNavigation, isApi } from './routes';

describe('isApi', () => {
  it.each([
    ['/api', true],
    ['/api/', true],
    ['/api/v1/customer/overview', true],
    ['/apiary', false],
    ['/financier/api/v1', false],
  ])('%s → %s', (path, want) => {
    expect(isApi(path)).toBe(want);
  });
});

describe('handlesNavigation', () => {
  const customer = (p: string) => handlesNavigation(p, '/', ['/financier/', '/dealer/']);
  const financier = (p: string) => handlesNavigation(p, '/financier/', []);

  it('answers the customer app routes', () => {
    expect(customer('/')).toBe(true);
    expect(customer('/invite')).toBe(true);
    expect(customer('/help')).toBe(true);
  });

  it('leaves the consoles, the API and files alone in the customer worker', () => {
    expect(customer('/financier/')).toBe(false);
    expect(customer('/financier')).toBe(false);
    expect(customer('/financier/team')).toBe(false);
    expect(customer('/dealer/link')).toBe(false);
    expect(customer('/api/v1/me')).toBe(false);
    expect(customer('/robots.txt')).toBe(false);
  });

  it('keeps the financier worker inside its scope', () => {
    expect(financier('/financier/')).toBe(true);
    expect(financier('/financier/reset')).toBe(true);
    expect(financier('/')).toBe(false);
    expect(financier('/dealer/')).toBe(false);
    expect(financier('/financier/manifest.webmanifest')).toBe(false);
  });
});
