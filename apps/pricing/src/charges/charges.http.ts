import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import type { ChargeRow, ProjectionRunner, SqlDatabase } from '@ventana/projections';
import { BusinessGuard, PROJECTIONS, READ_MODELS, badRequest } from '@ventana/platform';
import { TimeRangeQueryDto, instant } from './time-range';

export const chargeView = (c: ChargeRow) => ({
  message_id: c.message_id,
  wa_id: c.wa_id,
  market: c.market,
  category: c.category,
  pricing_type: c.pricing_type,
  amount_micros: c.amount_micros,
  currency: 'USD',
  rate_card_version: c.rate_card_version,
  charged_at: c.charged_at,
});

/** Per-message charges in [from, to), by delivery time, with their exact total. */
@Controller('v1/:business_id/charges')
@UseGuards(BusinessGuard)
export class ChargesController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  @Get()
  async list(@Param('business_id') businessId: string, @Query() query: TimeRangeQueryDto) {
    const from = query.from ? instant('from', query.from) : '0000';
    const to = query.to ? instant('to', query.to) : '9999';
    if (query.from && query.to && from > to) throw badRequest('from must not be after to.', [{ field: 'from', detail: 'after to' }]);
    await this.projections.upToDate();
    const rows = await this.readModels.all<ChargeRow>(
      `SELECT * FROM charges WHERE business_id = ? AND charged_at >= ? AND charged_at < ? ORDER BY charged_at, message_id`,
      [businessId, from, to],
    );
    return { data: rows.map(chargeView), total_micros: rows.reduce((sum, c) => sum + c.amount_micros, 0), currency: 'USD' };
  }
}
