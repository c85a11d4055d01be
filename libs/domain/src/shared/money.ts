/** Money is integer micro-US-dollars: 1 USD = 1,000,000 micros. Never floating point. */
export const MICROS_PER_USD = 1_000_000;
export const MICROS_PER_CENT = 10_000;

const USD_DECIMAL = /^(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,6}))?$/;

/** "0.0107" → 10700. Undefined when the string is not a plain decimal with at most six places. */
export function usdToMicros(usd: string): number | undefined {
  // RegExp.exec coerces its argument: a JSON number such as 0.05 would otherwise pass as "0.05".
  const match = typeof usd === 'string' ? USD_DECIMAL.exec(usd) : null;
  if (!match) return undefined;
  const [, whole, fraction = ''] = match;
  return Number(whole) * MICROS_PER_USD + Number(fraction.padEnd(6, '0'));
}

/** 10700 → "0.0107": the exact decimal, trailing zeros dropped. */
export function microsToUsd(micros: number): string {
  const whole = Math.trunc(micros / MICROS_PER_USD);
  const fraction = String(micros % MICROS_PER_USD).padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** Rounds a non-negative micro amount to whole cents, half-up: done once, on an invoice total. */
export const microsToCentsHalfUp = (micros: number): number =>
  Math.floor((micros + MICROS_PER_CENT / 2) / MICROS_PER_CENT);

/** 1234 → "12.34": whole cents as a decimal with two places, for payable amounts. */
export const centsToUsd = (cents: number): string => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
