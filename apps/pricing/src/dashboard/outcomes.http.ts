import { Controller, Get, Header, Inject, Query, UseGuards } from '@nestjs/common';
import type { ProjectionRunner, SqlDatabase } from '@ventana/projections';
import { CLOCK, type Clock, OperatorGuard, PROJECTIONS, READ_MODELS } from '@ventana/platform';
import { type ErrorsCount, type StatusCount, outcomesReport } from './outcomes.report';
import { PeriodQueryDto, periodOf } from './period';

/** What became of the messages businesses requested in a period, from the messages read model. */
@Controller('v1/dashboard/outcomes')
@UseGuards(OperatorGuard)
export class OutcomesController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async outcomes(@Query() query: PeriodQueryDto) {
    const period = periodOf(query, this.clock.now());
    await this.projections.upToDate();
    const range = [period.from, period.to];
    const statuses = await this.readModels.all<StatusCount>(
      `SELECT status, COUNT(*) AS messages FROM messages WHERE requested_at >= ? AND requested_at < ? GROUP BY status`,
      range,
    );
    const failed = await this.readModels.all<ErrorsCount>(
      `SELECT errors, COUNT(*) AS messages FROM messages WHERE status = 'failed' AND requested_at >= ? AND requested_at < ? GROUP BY errors`,
      range,
    );
    return outcomesReport(period, statuses, failed);
  }
}
