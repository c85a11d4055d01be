import { IsISO8601, IsOptional } from 'class-validator';
import { badRequest } from '@ventana/platform';

/** `from` inclusive, `to` exclusive, ISO-8601; both optional: the query of every charge-time range. */
export class TimeRangeQueryDto {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** Some ISO-8601 forms (week dates, basic format, decimal hours) pass the validator but not Date.parse. */
export function instant(field: 'from' | 'to', value: string): string {
  const epochMs = Date.parse(value);
  if (Number.isNaN(epochMs))
    throw badRequest(`${field} must be an ISO-8601 time such as 2024-01-31T00:00:00Z.`, [{ field, detail: 'not a time' }]);
  return new Date(epochMs).toISOString();
}
