import { Controller, Get, Header, Inject, Query, UseGuards } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import type { ProjectionRunner, SqlDatabase } from '@ventana/projections';
import { CLOCK, type Clock, OperatorGuard, PROJECTIONS, READ_MODELS } from '@ventana/platform';
import { PeriodQueryDto, periodOf } from './period';

export class TopBusinessesQueryDto extends PeriodQueryDto {
  /** Query values are text: a whole number from 1 to 100. */
  @IsOptional()
  @Matches(/^([1-9][0-9]?|100)$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;
}

interface BusinessRevenueRow {
  business_id: string;
  name: string | null;
  phone_number: string | null;
  messages: number;
  amount_micros: number;
}

const DEFAULT_LIMIT = 10;

/** The businesses that brought the most revenue in a period, with who they are (businesses read model). */
@Controller('v1/dashboard/businesses')
@UseGuards(OperatorGuard)
export class TopBusinessesController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async top(@Query() query: TopBusinessesQueryDto) {
    const period = periodOf(query, this.clock.now());
    await this.projections.upToDate();
    // LEFT JOIN: a charge whose business the (separately checkpointed) businesses model has not seen yet still counts.
    const rows = await this.readModels.all<BusinessRevenueRow>(
      `SELECT c.business_id, b.name, b.phone_number, COUNT(*) AS messages, SUM(c.amount_micros) AS amount_micros
       FROM charges c LEFT JOIN businesses b ON b.id = c.business_id
       WHERE c.charged_at >= ? AND c.charged_at < ?
       GROUP BY c.business_id, b.name, b.phone_number
       ORDER BY SUM(c.amount_micros) DESC, c.business_id
       LIMIT ?`,
      [period.from, period.to, query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit)],
    );
    return { from: period.from, to: period.to, currency: 'USD', data: rows };
  }
}
