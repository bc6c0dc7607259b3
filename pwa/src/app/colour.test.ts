import { describe, expect, it } from 'vitest';
import { brandColours, contrast, parseHex } from './colour';

describe('brandColours', () => {
  it('puts white on a dark brand and dark ink on a light one', () => {
    expect(brandColours('#0b5394', '#000000')).toMatchObject({ brand: '#0b5394', onBrand: '#ffffff', brandInk: '#0b5394' });
    expect(brandColours('#ffd700', '#000000')).toMatchObject({ brand: '#ffd700', onBrand: '#111827' });
    expect(brandColours('#FFF', '#000000')).toMatchObject({ brand: '#ffffff', onBrand: '#111827' });
  });

  it('falls back when the colour is not a hex value', () => {
    expect(brandColours('red; background: url(x)', '#0b5394').brand).toBe('#0b5394');
    expect(brandColours(null, '#0b5394').brand).toBe('#0b5394');
  });

  it('always meets 4.5:1, on the brand and as text on white', () => {
    const white = parseHex('#ffffff')!;
    for (const c of ['#777777', '#808080', '#0000ff', '#00ff00', '#ff0000', '#123456', '#fafafa', '#e07a00']) {
      const { brand, onBrand, brandInk } = brandColours(c, '#000000');
      expect(contrast(parseHex(brand)!, parseHex(onBrand)!), c).toBeGreaterThanOrEqual(4.5);
      expect(contrast(parseHex(brandInk)!, white), c).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('darkens a mid-tone that neither text colour reads well on', () => {
    const { brand, onBrand } = brandColours('#777777', '#000000');
    expect(onBrand).toBe('#ffffff');
    expect(brand).not.toBe('#777777');
  });
});
