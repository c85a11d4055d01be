import { Controller, Get, Inject, Param, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { MONTH } from '@ventana/domain';
import {
  CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  type ProjectionRunner,
  type SqlDatabase,
  exportCharges,
  exportInvoices,
} from '@ventana/projections';
import { BusinessGuard, PROJECTIONS, READ_MODELS, badRequest } from '@ventana/platform';
import { TimeRangeQueryDto, instant } from '../charges/time-range';

class FormatDto {
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class ChargesExportQueryDto extends IntersectionType(FormatDto, TimeRangeQueryDto) {}

export class InvoicesExportQueryDto extends FormatDto {
  @IsOptional()
  @Matches(MONTH, { message: '$property must be a month written yyyy-mm' })
  from?: string;

  @IsOptional()
  @Matches(MONTH, { message: '$property must be a month written yyyy-mm' })
  to?: string;
}

const notAfter = (from: string | undefined, to: string | undefined) => {
  if (from !== undefined && to !== undefined && from > to)
    throw badRequest('from must not be after to.', [{ field: 'from', detail: 'after to' }]);
};

const attachment = (stream: ReturnType<typeof exportCharges>, format: ExportFormat, name: string) =>
  new StreamableFile(stream, { type: CONTENT_TYPES[format], disposition: `attachment; filename="${name}.${format}"` });

/**
 * Finance's exports, streamed from the read models (a page of rows in memory at a time, whatever
 * the size): the business's charges by delivery time in [from, to), and its invoices' lines for
 * the months in [from, to). CSV (default) or NDJSON.
 */
@Controller('v1/:business_id')
@UseGuards(BusinessGuard)
export class ExportsController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  @Get('charges/export')
  async charges(@Param('business_id') businessId: string, @Query() query: ChargesExportQueryDto) {
    const from = query.from === undefined ? undefined : instant('from', query.from);
    const to = query.to === undefined ? undefined : instant('to', query.to);
    notAfter(from, to);
    const format = query.format ?? 'csv';
    await this.projections.upToDate();
    return attachment(exportCharges(this.readModels, { businessId, from, to }, format), format, `charges-${businessId}`);
  }

  @Get('invoices/export')
  async invoices(@Param('business_id') businessId: string, @Query() query: InvoicesExportQueryDto) {
    notAfter(query.from, query.to);
    const format = query.format ?? 'csv';
    await this.projections.upToDate();
    return attachment(
      exportInvoices(this.readModels, { businessId, from: query.from, to: query.to }, format),
      format,
      `invoices-${businessId}`,
    );
  }
}
