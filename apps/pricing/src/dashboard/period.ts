import { DAY, iso } from '@ventana/domain';
import { badRequest } from '@ventana/platform';
import { type TimeRangeQueryDto, instant } from '../charges/time-range';

/** The dashboard's query: the same range as the charges API's. */
export { TimeRangeQueryDto as PeriodQueryDto } from '../charges/time-range';

/** A reporting period [from, to) as ISO-8601 UTC text, the form charges and messages are compared in. */
export interface Period {
  from: string;
  to: string;
}

export const DEFAULT_PERIOD_DAYS = 30;
/** A year and a day: per-day figures stay a few hundred rows. */
export const MAX_PERIOD_DAYS = 366;

/** The period asked for; by default the 30 days that end with today (UTC, platform time). */
export function periodOf(query: TimeRangeQueryDto, nowMs: number): Period {
  const today = new Date(nowMs);
  const endOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
  const to = query.to === undefined ? endOfToday : Date.parse(instant('to', query.to));
  const from = query.from === undefined ? to - DEFAULT_PERIOD_DAYS * DAY : Date.parse(instant('from', query.from));
  if (from >= to) throw badRequest('from must be before to.', [{ field: 'from', detail: 'not before to' }]);
  if (to - from > MAX_PERIOD_DAYS * DAY) {
    throw badRequest(`A period spans at most ${MAX_PERIOD_DAYS} days.`, [
      { field: 'to', detail: `more than ${MAX_PERIOD_DAYS} days after from` },
    ]);
  }
  return { from: iso(from), to: iso(to) };
}

/** Every UTC day the period touches, as `yyyy-mm-dd` (the prefix of an ISO time). */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  const last = Date.parse(period.to) - 1;
  for (let day = Date.parse(period.from.slice(0, 10)); day <= last; day += DAY) days.push(iso(day).slice(0, 10));
  return days;
}
