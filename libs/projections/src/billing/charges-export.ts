import { microsToUsd } from '@ventana/domain';
import type { Readable } from 'node:stream';
import type { ChargeRow } from '../projections/charges.projection';
import type { SqlDatabase } from '../sql/sql-database';
import { type ExportFormat, type OnRecord, encodeRecords } from './export-format';

export interface ChargesFilter {
  /** One business's charges; all businesses' when absent (operators and analysts). */
  businessId?: string;
  /** ISO-8601 UTC, inclusive; by delivery time (`charged_at`), as `GET /charges`. */
  from?: string;
  /** ISO-8601 UTC, exclusive. */
  to?: string;
}

/** The charge resource of api.md, plus who is billed, the exact amount in USD and the invoice that bills it. */
export interface ChargeRecord {
  message_id: string;
  business_id: string;
  wa_id: string;
  market: string;
  category: string;
  pricing_type: string;
  amount_micros: number;
  amount_usd: string;
  currency: 'USD';
  rate_card_version: number | null;
  charged_at: string;
  invoice_month: string;
}

export const CHARGE_COLUMNS: readonly (keyof ChargeRecord)[] = [
  'message_id',
  'business_id',
  'wa_id',
  'market',
  'category',
  'pricing_type',
  'amount_micros',
  'amount_usd',
  'currency',
  'rate_card_version',
  'charged_at',
  'invoice_month',
];

export const PAGE_ROWS = 1000;

const record = (c: ChargeRow): ChargeRecord => ({
  message_id: c.message_id,
  business_id: c.business_id,
  wa_id: c.wa_id,
  market: c.market,
  category: c.category,
  pricing_type: c.pricing_type,
  amount_micros: c.amount_micros,
  amount_usd: microsToUsd(c.amount_micros),
  currency: 'USD',
  rate_card_version: c.rate_card_version,
  charged_at: c.charged_at,
  invoice_month: c.invoice_month,
});

/*
 * Keyset pages in the order of the index (business, charged_at, message_id): each page is one
 * short statement that starts where the last one ended. Neither engine holds a cursor, a
 * connection or a snapshot between pages (a SQLite connection iterating a statement could not
 * write meanwhile), so a slow reader delays no one. A charge recorded during the export is in it
 * when it sorts after the page being read.
 */
const ONE_BUSINESS = `SELECT * FROM charges
  WHERE business_id = ? AND charged_at >= ? AND charged_at < ? AND (charged_at, message_id) > (?, ?)
  ORDER BY charged_at, message_id LIMIT ?`;
const ALL_BUSINESSES = `SELECT * FROM charges
  WHERE charged_at >= ? AND charged_at < ? AND (business_id, charged_at, message_id) > (?, ?, ?)
  ORDER BY business_id, charged_at, message_id LIMIT ?`;

const bounds = (filter: ChargesFilter) => [filter.from ?? '', filter.to ?? '9999'];

/** Every charge matching the filter, in `GET /charges` order (by business first when there are several). */
export async function* chargeRecords(db: SqlDatabase, filter: ChargesFilter, pageRows = PAGE_ROWS): AsyncGenerator<ChargeRecord> {
  const [from, to] = bounds(filter);
  let after: ChargeRow | undefined;
  for (;;) {
    // The last page's end is the lower bound too (it is implied): SQLite seeks the index to
    // `charged_at >= ?` and would otherwise filter its way up from `from`, each page longer than the last.
    const start = after && after.charged_at > from ? after.charged_at : from;
    const page = filter.businessId
      ? await db.all<ChargeRow>(ONE_BUSINESS, [filter.businessId, start, to, after?.charged_at ?? '', after?.message_id ?? '', pageRows])
      : await db.all<ChargeRow>(ALL_BUSINESSES, [from, to, after?.business_id ?? '', after?.charged_at ?? '', after?.message_id ?? '', pageRows]);
    for (const row of page) yield record(row);
    if (page.length < pageRows) return;
    after = page[page.length - 1];
  }
}

/** How many charges the export of `filter` holds now (for a progress bar: charges may land meanwhile). */
export async function countCharges(db: SqlDatabase, filter: ChargesFilter): Promise<number> {
  const row = filter.businessId
    ? await db.one<{ n: number }>(`SELECT count(*) AS n FROM charges WHERE business_id = ? AND charged_at >= ? AND charged_at < ?`, [filter.businessId, ...bounds(filter)])
    : await db.one<{ n: number }>(`SELECT count(*) AS n FROM charges WHERE charged_at >= ? AND charged_at < ?`, bounds(filter));
  return Number(row?.n ?? 0);
}

/** The charges export as a stream of CSV or NDJSON text. */
export const exportCharges = (db: SqlDatabase, filter: ChargesFilter, format: ExportFormat, onRecord?: OnRecord): Readable =>
  encodeRecords(chargeRecords(db, filter), format, CHARGE_COLUMNS, onRecord);
