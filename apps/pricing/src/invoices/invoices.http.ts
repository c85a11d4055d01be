import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { MONTH, type PricingCategory, type PricingType, invoiceFrom } from '@ventana/domain';
import type { InvoiceLineRow, ProjectionRunner, SqlDatabase } from '@ventana/projections';
import { BusinessGuard, PROJECTIONS, READ_MODELS, badRequest } from '@ventana/platform';

/** A month's invoice from the charges roll-up: exact micros per line, total rounded half-up to cents once. */
@Controller('v1/:business_id/invoices')
@UseGuards(BusinessGuard)
export class InvoicesController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  @Get(':month')
  async get(@Param('business_id') businessId: string, @Param('month') month: string) {
    if (!MONTH.test(month)) throw badRequest('The month is written yyyy-mm.', [{ field: 'month', detail: `"${month}" is not yyyy-mm` }]);
    await this.projections.upToDate();
    const rows = await this.readModels.all<InvoiceLineRow>(`SELECT * FROM invoice_lines WHERE business_id = ? AND month = ?`, [businessId, month]);
    const invoice = invoiceFrom(
      month,
      rows.map((r) => ({
        market: r.market,
        category: r.category as PricingCategory,
        pricingType: r.pricing_type as PricingType,
        messages: r.messages,
        amountMicros: r.amount_micros,
      })),
    );
    return {
      month,
      lines: invoice.lines.map((l) => ({ market: l.market, category: l.category, pricing_type: l.pricingType, messages: l.messages, amount_micros: l.amountMicros })),
      total_micros: invoice.totalMicros,
      total_cents: invoice.totalCents,
      currency: 'USD',
    };
  }
}
