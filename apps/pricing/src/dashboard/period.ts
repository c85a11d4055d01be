import { IsISO8601, IsOptional } from 'class-validator';
import { DAY, iso } from '@ventana/domain';
import { badRequest } from '@ventana/platform';

/** `from` inclusive, `to` exclusive, ISO-8601; both optional. */
export class PeriodQueryDto {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** A reporting period [from, to) as ISO-8601 UTC text, the form charges and messages are compared in. */
export interface Period {
  from: string;
  to: string;
}

export const DEFAULT_PERIOD_DAYS = 30;
/** A year and a day: per-day figures stay a few hundred rows. */
export const MAX_PERIOD_DAYS = 366;

/** Some ISO-8601 forms (week dates, basic format) pass the validator but not Date.parse. */
function instant(field: 'from' | 'to', value: string): number {
  const epochMs = Date.parse(value);
  if (Number.isNaN(epochMs)) throw badRequest(`${field} must be an ISO-8601 time such as 2026-01-31T00:00:00Z.`, [{ field, detail: 'not a time' }]);
  return epochMs;
}

/** The period asked for; by default the 30 days that end with today (UTC, platform time). */
export function periodOf(query: PeriodQueryDto, nowMs: number): Period {
  const today = new Date(nowMs);
  const endOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
  const to = query.to === undefined ? endOfToday : instant('to', query.to);
  const from = query.from === undefined ? to - DEFAULT_PERIOD_DAYS * DAY : instant('from', query.from);
  if (from >= to) throw badRequest('from must be before to.', [{ field: 'from', detail: 'not before to' }]);
  if (to - from > MAX_PERIOD_DAYS * DAY) {
    throw badRequest(`A period spans at most ${MAX_PERIOD_DAYS} days.`, [{ field: 'to', detail: `more than ${MAX_PERIOD_DAYS} days after from` }]);
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
