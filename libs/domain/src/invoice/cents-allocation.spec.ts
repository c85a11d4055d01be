import { microsToCentsHalfUp } from '../shared/money';
import { allocateCents } from './cents-allocation';

/** mulberry32: the same cases on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('cents per line: largest remainder, adding up to the total rounded half-up once', () => {
  it('three lines of 0.4 cent: the total is 1 cent, and it goes to the first of the equal leftovers', () => {
    expect(allocateCents([4_000, 4_000, 4_000])).toEqual({ cents: [1, 0, 0], totalCents: 1 });
  });

  it('the missing cent goes to the line with the largest leftover, not to the first line', () => {
    // 0.4999 + 1.5001 = 2 cents; rounded down 0 + 1, the 0.5001 leftover takes the missing one.
    expect(allocateCents([4_999, 15_001])).toEqual({ cents: [0, 2], totalCents: 2 });
  });

  it('12.5 cents of lines make 13 (half-up), allocated 7 + 6 from 6.25 + 6.25', () => {
    expect(allocateCents([62_500, 62_500])).toEqual({ cents: [7, 6], totalCents: 13 });
  });

  it('lines already in whole cents keep them', () => {
    expect(allocateCents([10_000, 250_000, 0])).toEqual({ cents: [1, 25, 0], totalCents: 26 });
  });

  it('no lines, no cents', () => {
    expect(allocateCents([])).toEqual({ cents: [], totalCents: 0 });
  });

  it('for any lines: the cents add up to the half-up total and each line is its micros rounded down or up', () => {
    const random = seeded(20260331);
    for (let n = 0; n < 2_000; n++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * (random() < 0.5 ? 30_000 : 90_000_000)));
      const { cents, totalCents } = allocateCents(lines);
      const sum = lines.reduce((s, m) => s + m, 0);
      expect(totalCents).toBe(microsToCentsHalfUp(sum));
      expect(cents.reduce((s, c) => s + c, 0)).toBe(totalCents);
      cents.forEach((c, i) => {
        expect(c).toBeGreaterThanOrEqual(Math.floor(lines[i] / 10_000));
        expect(c).toBeLessThanOrEqual(Math.ceil(lines[i] / 10_000));
      });
    }
  });

  it.each([[-1], [0.5], [Number.NaN]])('refuses a line of %p micros', (micros) => {
    expect(() => allocateCents([10_000, micros])).toThrow(RangeError);
  });
});
