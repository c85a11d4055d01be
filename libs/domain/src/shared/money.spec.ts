import { MICROS_PER_CENT, MICROS_PER_USD, centsToUsd, microsToCentsHalfUp, microsToUsd, usdToMicros } from './money';

describe('money: integer micro-US-dollars', () => {
  it('1 USD = 1,000,000 micros; 1 cent = 10,000', () => {
    expect([MICROS_PER_USD, MICROS_PER_CENT]).toEqual([1_000_000, 10_000]);
  });

  it.each([
    ['0.005', 5_000],
    ['0.09', 90_000],
    ['0.0107', 10_700],
    ['0.000001', 1],
    ['1', 1_000_000],
    ['12.5', 12_500_000],
    ['0', 0],
  ])('parses %s USD as %i micros', (usd, micros) => {
    expect(usdToMicros(usd)).toBe(micros);
  });

  it.each(['0.0000001', '1e-3', '-1', '.5', '5.', '01', '1,5', 'abc', ''])('refuses %j', (usd) => {
    expect(usdToMicros(usd)).toBeUndefined();
  });

  it('refuses anything that is not a string', () => {
    expect(usdToMicros(0.05 as unknown as string)).toBeUndefined();
  });

  it.each([
    [5_000, '0.005'],
    [90_000, '0.09'],
    [10_700, '0.0107'],
    [1, '0.000001'],
    [1_000_000, '1'],
    [0, '0'],
  ])('formats %i micros as %s USD', (micros, usd) => {
    expect(microsToUsd(micros)).toBe(usd);
  });

  it('parse and format round-trip', () => {
    for (const micros of [0, 1, 999, 5_000, 10_700, 90_000, 123_456, 1_000_000, 7_654_321]) {
      expect(usdToMicros(microsToUsd(micros))).toBe(micros);
    }
    for (const usd of ['0.005', '0.0107', '0.09', '3.141592']) expect(microsToUsd(usdToMicros(usd)!)).toBe(usd);
  });

  it('rounds to cents half-up', () => {
    expect([4_999, 5_000, 9_999, 10_000, 14_999, 15_000].map(microsToCentsHalfUp)).toEqual([0, 1, 1, 1, 1, 2]);
  });

  it('writes whole cents as dollars with two places', () => {
    expect([0, 7, 13, 100, 123_456].map(centsToUsd)).toEqual(['0.00', '0.07', '0.13', '1.00', '1234.56']);
  });
});
