import { Controller, Get, Header, Inject, Query, UseGuards } from '@nestjs/common';
import type { ProjectionRunner, SqlDatabase } from '@ventana/projections';
import { CLOCK, type Clock, OperatorGuard, PROJECTIONS, READ_MODELS } from '@ventana/platform';
import { PeriodQueryDto, periodOf } from './period';
import { type DayMarketRevenue, revenueReport } from './revenue.report';

/** Revenue per day and per market, from the charges read model (a charge counts on its delivery day). */
@Controller('v1/dashboard/revenue')
@UseGuards(OperatorGuard)
export class RevenueController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async revenue(@Query() query: PeriodQueryDto) {
    const period = periodOf(query, this.clock.now());
    await this.projections.upToDate();
    // charged_at is ISO text: its first ten characters are the UTC day, on either engine.
    const rows = await this.readModels.all<DayMarketRevenue>(
      `SELECT substr(charged_at, 1, 10) AS day, market, COUNT(*) AS messages, SUM(amount_micros) AS amount_micros
       FROM charges WHERE charged_at >= ? AND charged_at < ?
       GROUP BY substr(charged_at, 1, 10), market`,
      [period.from, period.to],
    );
    return revenueReport(period, rows);
  }
}
