import { describe, expect, it } from 'vitest';
import { formatMoney, minorToDecimal, parseMoney } from '../public/money.js';

describe("the page's money (public/money.js)", () => {
  it('reads typed major units as exact integer minor units', () => {
    expect(parseMoney('12.50', 'USD')).toEqual({ minor: 1_250 });
    expect(parseMoney('0.29', 'USD')).toEqual({ minor: 29 });
    expect(parseMoney('1 234,5', 'EUR')).toEqual({ minor: 123_450 });
    expect(parseMoney('.5', 'USD')).toEqual({ minor: 50 });
    expect(parseMoney('1500', 'JPY')).toEqual({ minor: 1_500 });
    expect(parseMoney('0.001', 'BHD')).toEqual({ minor: 1 });
    // Past 2^53 / 100 floating point would round; the largest amount is exact.
    expect(parseMoney('9999999999999.99', 'USD')).toEqual({ minor: 999_999_999_999_999 });
    expect(parseMoney('10000000000000.00', 'USD')).toEqual({ minor: 1_000_000_000_000_000 });
  });

  it('refuses more decimals than the currency has, and anything that is not an amount', () => {
    expect(parseMoney('12.505', 'USD').error).toBe('USD has 2 decimals at most: enter an amount such as 12.50.');
    expect(parseMoney('15.0', 'JPY').error).toBe('JPY has no decimals: enter a whole amount such as 1500.');
    expect(parseMoney('10000000000000.01', 'USD').error).toMatch(/more than the largest amount/);
    for (const text of ['', ' ', 'abc', '1.2.3', '-5', '1e3', '.', '$5']) {
      expect(parseMoney(text, 'USD').error, text).toBeDefined();
      expect(parseMoney(text, 'USD').minor, text).toBeUndefined();
    }
  });

  it('writes minor units back exactly', () => {
    expect(minorToDecimal(5, 'USD')).toBe('0.05');
    expect(minorToDecimal(999_999_999_999_999, 'USD')).toBe('9999999999999.99');
    expect(minorToDecimal(500, 'JPY')).toBe('500');
    expect(formatMoney(999_999_999_999_999, 'USD')).toContain('9,999,999,999,999.99');
  });
});
