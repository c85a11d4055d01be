import { InvalidArgumentError } from 'commander';
import { MONTH } from '@ventana/domain';

/** Parsers of command-line values: a bad value is a usage error (exit 2) before anything is opened. */

export function isoTime(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError(`"${value}" is not an ISO-8601 time`);
  return new Date(time).toISOString();
}

export function month(value: string): string {
  if (!MONTH.test(value)) throw new InvalidArgumentError(`"${value}" is not a month written yyyy-mm`);
  return value;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive integer`);
  return n;
}

/** Repeatable options, also comma-separated. */
export const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];
