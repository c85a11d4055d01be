import { MICROS_PER_CENT, microsToCentsHalfUp } from '../shared/money';

/**
 * Whole cents for each line of an invoice, adding up to the payable total (largest remainder,
 * Hamilton's method). The total is the exact sum of the lines' micros rounded half-up once; each
 * line first gets its whole cents (rounded down), then the cents still missing go, one each, to
 * the lines with the largest leftover micros; equal leftovers go in line order. A line never
 * shows more than its micros rounded up, nor less than rounded down.
 */
export function allocateCents(amountsMicros: readonly number[]): { cents: number[]; totalCents: number } {
  for (const micros of amountsMicros) {
    if (!Number.isSafeInteger(micros) || micros < 0) throw new RangeError(`an invoice line is a non-negative integer of micros, not ${micros}`);
  }
  const totalCents = microsToCentsHalfUp(amountsMicros.reduce((sum, micros) => sum + micros, 0));
  const cents = amountsMicros.map((micros) => Math.floor(micros / MICROS_PER_CENT));
  let missing = totalCents - cents.reduce((sum, c) => sum + c, 0);
  const byLeftover = amountsMicros
    .map((micros, line) => ({ line, leftover: micros % MICROS_PER_CENT }))
    .sort((a, b) => b.leftover - a.leftover || a.line - b.line);
  // Half-up on the total never asks for more cents than there are lines with a leftover.
  for (const { line } of byLeftover) {
    if (missing === 0) break;
    cents[line]++;
    missing--;
  }
  return { cents, totalCents };
}
