import { Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import { MONTH } from '@ventana/domain';
import { type ProjectionRunner, type SqlDatabase, readInvoice } from '@ventana/projections';
import {
  type AuthenticatedRequest,
  BusinessGuard,
  CONFIG,
  type HttpReply,
  PROJECTIONS,
  type PlatformConfig,
  READ_MODELS,
  badRequest,
} from '@ventana/platform';
import { invoiceHtml } from './invoice-html';
import { invoiceView } from './invoice-view';

/**
 * A month's invoice from the read models: exact micros per line, total rounded half-up to cents
 * once, its lifecycle (draft → finalized). `/invoices/{yyyy-mm}.html` is the printable rendering.
 */
@Controller('v1/:business_id/invoices')
@UseGuards(BusinessGuard)
export class InvoicesController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
    @Inject(CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Get(':month')
  async get(@Param('business_id') businessId: string, @Param('month') path: string, @Req() req: AuthenticatedRequest, @Res({ passthrough: true }) reply: HttpReply) {
    const html = path.endsWith('.html');
    const month = html ? path.slice(0, -'.html'.length) : path;
    if (!MONTH.test(month)) throw badRequest('The month is written yyyy-mm.', [{ field: 'month', detail: `"${month}" is not yyyy-mm` }]);
    await this.projections.upToDate();
    const record = await readInvoice(this.readModels, businessId, month);
    const graceMs = this.config.invoiceGraceSeconds * 1000;
    if (!html) return invoiceView(month, record, graceMs);
    const business = req.principal?.kind === 'business' ? req.principal.business : undefined;
    if (!business) throw new Error('BusinessGuard sets the principal');
    void reply.header('content-type', 'text/html; charset=utf-8');
    return invoiceHtml(business, month, record, graceMs);
  }
}
