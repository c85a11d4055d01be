import { allocateCents, centsToUsd, microsToUsd } from '@ventana/domain';
import type { Readable } from 'node:stream';
import type { SqlDatabase } from '../sql/sql-database';
import { PAGE_ROWS } from './charges-export';
import { type ExportFormat, type OnRecord, encodeRecords } from './export-format';
import { type InvoiceRecord, readInvoice } from './invoice-reads';

export interface InvoicesFilter {
  /** One business's invoices; all businesses' when absent. */
  businessId?: string;
  /** Months "yyyy-mm": `from` inclusive, `to` exclusive. */
  from?: string;
  to?: string;
}

/**
 * One line of an invoice, flat: the invoice it is on (with its status and payable total), whether
 * it bills the month's own charges or late ones of `for_month`, its exact micros, and its whole
 * cents as printed (largest remainder, adding up to `invoice_total_cents`).
 */
export interface InvoiceLineRecord {
  business_id: string;
  month: string;
  status: string;
  finalized_at: string | null;
  line: 'charges' | 'adjustment';
  for_month: string;
  market: string;
  category: string;
  pricing_type: string;
  messages: number;
  amount_micros: number;
  amount_usd: string;
  amount_cents: number;
  invoice_total_micros: number;
  invoice_total_cents: number;
  invoice_total_usd: string;
  currency: 'USD';
}

export const INVOICE_LINE_COLUMNS: readonly (keyof InvoiceLineRecord)[] = [
  'business_id',
  'month',
  'status',
  'finalized_at',
  'line',
  'for_month',
  'market',
  'category',
  'pricing_type',
  'messages',
  'amount_micros',
  'amount_usd',
  'amount_cents',
  'invoice_total_micros',
  'invoice_total_cents',
  'invoice_total_usd',
  'currency',
];

/** An invoice's lines then adjustment lines, in the order they print, with their allocated cents. */
export function invoiceLineRecords(invoice: InvoiceRecord): InvoiceLineRecord[] {
  const lines = [...invoice.lines.map((l) => ({ ...l, forMonth: invoice.month, line: 'charges' as const })), ...invoice.adjustments.map((a) => ({ ...a, line: 'adjustment' as const }))];
  const { cents } = allocateCents(lines.map((l) => l.amountMicros));
  return lines.map((l, i) => ({
    business_id: invoice.businessId,
    month: invoice.month,
    status: invoice.status,
    finalized_at: invoice.finalizedAt,
    line: l.line,
    for_month: l.forMonth,
    market: l.market,
    category: l.category,
    pricing_type: l.pricingType,
    messages: l.messages,
    amount_micros: l.amountMicros,
    amount_usd: microsToUsd(l.amountMicros),
    amount_cents: cents[i],
    invoice_total_micros: invoice.totalMicros,
    invoice_total_cents: invoice.totalCents,
    invoice_total_usd: centsToUsd(invoice.totalCents),
    currency: 'USD',
  }));
}

const ONE_BUSINESS = `SELECT business_id, month FROM invoices
  WHERE business_id = ? AND month >= ? AND month < ? AND month > ? ORDER BY month LIMIT ?`;
const ALL_BUSINESSES = `SELECT business_id, month FROM invoices
  WHERE month >= ? AND month < ? AND (business_id, month) > (?, ?) ORDER BY business_id, month LIMIT ?`;

const months = (filter: InvoicesFilter) => [filter.from ?? '', filter.to ?? '9999'];

/** Every invoice matching the filter, by business then month, read a page of invoices at a time (see charges-export.ts). */
export async function* invoiceRecords(db: SqlDatabase, filter: InvoicesFilter, pageRows = PAGE_ROWS): AsyncGenerator<InvoiceRecord> {
  const [from, to] = months(filter);
  let after: { business_id: string; month: string } | undefined;
  for (;;) {
    const page = filter.businessId
      ? await db.all<{ business_id: string; month: string }>(ONE_BUSINESS, [filter.businessId, from, to, after?.month ?? '', pageRows])
      : await db.all<{ business_id: string; month: string }>(ALL_BUSINESSES, [from, to, after?.business_id ?? '', after?.month ?? '', pageRows]);
    for (const { business_id, month } of page) {
      const invoice = await readInvoice(db, business_id, month);
      if (invoice) yield invoice;
    }
    if (page.length < pageRows) return;
    after = page[page.length - 1];
  }
}

async function* lineRecords(db: SqlDatabase, filter: InvoicesFilter): AsyncGenerator<InvoiceLineRecord> {
  for await (const invoice of invoiceRecords(db, filter)) yield* invoiceLineRecords(invoice);
}

/** How many lines (adjustment lines included) the export of `filter` holds now (for a progress bar). */
export async function countInvoiceLines(db: SqlDatabase, filter: InvoicesFilter): Promise<number> {
  const [from, to] = months(filter);
  const of = (table: string) =>
    filter.businessId
      ? db.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE business_id = ? AND month >= ? AND month < ?`, [filter.businessId, from, to])
      : db.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE month >= ? AND month < ?`, [from, to]);
  const [lines, adjustments] = [await of('invoice_lines'), await of('invoice_adjustments')];
  return Number(lines?.n ?? 0) + Number(adjustments?.n ?? 0);
}

/** The invoices export, one record per invoice line, as a stream of CSV or NDJSON text. */
export const exportInvoices = (db: SqlDatabase, filter: InvoicesFilter, format: ExportFormat, onRecord?: OnRecord): Readable =>
  encodeRecords(lineRecords(db, filter), format, INVOICE_LINE_COLUMNS, onRecord);
