import { describe, expect, it } from 'vitest';
import { findTriggers, unknownFields } from './triggers';

describe('RULES C6 triggers', () => {
  it.each([
    ['Your new Puma from £199', 'an amount of money'],
    ['Only €2,000 down', 'an amount of money'],
    ['Now at 6.9% APR', 'a rate'],
    ['9.9 % interest on the Kuga', 'a rate'],
    ['0% finance on selected models', '0%'],
    ['Great apr on your next car', 'APR'],
    ['Less per month than you think', 'per month'],
    ['Just 199 PCM', 'pcm'],
    ['A deposit contribution for you', 'deposit contribution'],
    ['Cheaper than you think', 'cheaper'],
    ['Lower monthly payments', 'lower payments'],
    ['lower payment', 'lower payments'],
  ])('%s is refused (%s)', (text, name) => {
    expect(findTriggers(text).map((h) => h.name)).toContain(name);
  });

  it.each(['See you in April', 'The Capri is back', '100% electric', 'Your {model} agreement ends in {months_left} months', 'Aprils'])(
    '%s passes',
    (text) => {
      expect(findTriggers(text)).toEqual([]);
    },
  );

  it('says what it matched', () => {
    expect(findTriggers('From £199 per month')).toEqual([
      { text: '£199', name: 'an amount of money' },
      { text: 'per month', name: 'per month' },
    ]);
    expect(findTriggers('Only £1,299.50.')[0]!.text).toBe('£1,299.50');
    expect(findTriggers('Now 0%, no catch')[0]!.text).toBe('0%');
  });
});

describe('unknownFields', () => {
  it('lists only fields the server does not know, once each', () => {
    expect(unknownFields('Hi {first_name}, your {model} ends on {end_date}')).toEqual([]);
    expect(unknownFields('{price} {price} {Model}')).toEqual(['price', 'Model']);
  });
});
