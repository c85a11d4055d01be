import { nextMonth } from '@ventana/domain';
import {
  type ExportFormat,
  type OnRecord,
  type SqlDatabase,
  countCharges,
  countInvoiceLines,
  exportCharges,
  exportInvoices,
} from '@ventana/projections';
import type { Readable } from 'node:stream';
import type { Period } from '../period';

/**
 * What `export-charges` and `export-invoices` write: the API's own exports (libs/projections
 * billing), with the filter the API takes for the same business and whole months, so that the
 * same filters give the same bytes. Without a business, every business's, by business.
 */
export interface BillingExport {
  command: string;
  description: string;
  /** What one record is, in the plural, for the progress bar. */
  unit: string;
  count(db: SqlDatabase, businessId: string | undefined, period: Period): Promise<number>;
  stream(db: SqlDatabase, businessId: string | undefined, period: Period, format: ExportFormat, onRecord?: OnRecord): Readable;
}

/** Charges by delivery time: the period's [start, end) as GET /v1/{business_id}/charges/export?from=&to= takes it. */
const chargesFilter = (businessId: string | undefined, period: Period) => {
  const { start, end } = period.bounds();
  return { businessId, from: start, to: end };
};

/** Invoices by month: `to` is exclusive in the API, the period's last month is included. */
const invoicesFilter = (businessId: string | undefined, period: Period) => ({
  businessId,
  from: period.from,
  to: period.to && nextMonth(period.to),
});

export const BILLING_EXPORTS: readonly BillingExport[] = [
  {
    command: 'export-charges',
    description: "export the charges delivered in the period, one record per charge, as the API's charges export writes them (streamed)",
    unit: 'charges',
    count: (db, businessId, period) => countCharges(db, chargesFilter(businessId, period)),
    stream: (db, businessId, period, format, onRecord) => exportCharges(db, chargesFilter(businessId, period), format, onRecord),
  },
  {
    command: 'export-invoices',
    description: "export the period's invoices, one record per line with its cents, as the API's invoices export writes them (streamed)",
    unit: 'invoice lines',
    count: (db, businessId, period) => countInvoiceLines(db, invoicesFilter(businessId, period)),
    stream: (db, businessId, period, format, onRecord) => exportInvoices(db, invoicesFilter(businessId, period), format, onRecord),
  },
];
