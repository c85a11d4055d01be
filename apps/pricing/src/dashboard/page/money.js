const MICROS_PER_USD = 1_000_000n;

/**
 * Integer micro-dollars as exact dollars: "$1,234.56", "$0.0529" (cents at least, up to the six
 * decimals a price may have). BigInt arithmetic, never floating point. Chart axes may hand in a
 * fractional tick: it is rounded to whole micros first (display only).
 */
export function usd(micros) {
  const value = BigInt(Math.round(micros));
  const magnitude = value < 0n ? -value : value;
  const whole = (magnitude / MICROS_PER_USD).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (magnitude % MICROS_PER_USD).toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${value < 0n ? '-' : ''}$${whole}.${fraction}`;
}

/** A count with thousands separators: 12,345. */
export const count = (n) => Math.round(n).toLocaleString('en-US');
