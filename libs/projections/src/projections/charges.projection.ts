import type { Projection } from '../projection';
import { billCharge, finalizeInvoice } from './invoice-billing';

/**
 * Every per-message charge, and the invoices that bill them: per business and month, the lines
 * (market, category, pricing type), the adjustment lines (late charges of earlier months) and
 * the invoice's lifecycle. One projection, so that charges and finalizations apply in log order.
 */
export interface ChargeRow {
  message_id: string;
  business_id: string;
  wa_id: string;
  market: string;
  category: string;
  pricing_type: string;
  amount_micros: number;
  rate_card_version: number | null;
  charged_at: string;
  /** The month whose invoice bills it: its delivery month, or a later one for a late charge. */
  invoice_month: string;
  /** Log position of the event that billed it on that invoice (null: billed before version 2). */
  billed_position: number | null;
}

export interface InvoiceLineRow {
  business_id: string;
  month: string;
  market: string;
  category: string;
  pricing_type: string;
  messages: number;
  amount_micros: number;
}

export interface InvoiceAdjustmentRow extends InvoiceLineRow {
  /** The delivery month of the late charges this line bills. */
  for_month: string;
}

export interface InvoiceRow {
  business_id: string;
  month: string;
  status: 'draft' | 'finalized';
  finalized_at: string | null;
  /** The highest `billed_position` of the charges billed on it: the cut a finalization freezes. */
  charged_through: number;
  total_micros: number | null;
  total_cents: number | null;
}

export const chargesProjection: Projection = {
  name: 'charges',
  eventTypes: ['MessageCharged', 'InvoiceFinalized'],
  migrations: [
    {
      version: 1,
      // Micro-dollars and message counts are BIGINT: a month's line passes 2^31 micros ($2,147) quickly.
      statements: [
        `CREATE TABLE IF NOT EXISTS charges (
           message_id TEXT PRIMARY KEY, business_id TEXT NOT NULL, wa_id TEXT NOT NULL, market TEXT NOT NULL,
           category TEXT NOT NULL, pricing_type TEXT NOT NULL, amount_micros BIGINT NOT NULL,
           rate_card_version INTEGER, charged_at TEXT NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS charges_by_business_time ON charges (business_id, charged_at)`,
        `CREATE TABLE IF NOT EXISTS invoice_lines (
           business_id TEXT NOT NULL, month TEXT NOT NULL, market TEXT NOT NULL, category TEXT NOT NULL,
           pricing_type TEXT NOT NULL, messages BIGINT NOT NULL, amount_micros BIGINT NOT NULL,
           PRIMARY KEY (business_id, month, market, category, pricing_type))`,
      ],
    },
    {
      version: 2,
      // Invoices with a lifecycle. Charges billed before it keep their delivery month's invoice, as a draft.
      // substr(text, start, length) is the same on both engines.
      statements: [
        `ALTER TABLE charges ADD COLUMN invoice_month TEXT`,
        `ALTER TABLE charges ADD COLUMN billed_position BIGINT`,
        `UPDATE charges SET invoice_month = substr(charged_at, 1, 7)`,
        // Exports page through a business's charges in (charged_at, message_id) order: the index holds that order.
        `CREATE INDEX IF NOT EXISTS charges_by_business_time_id ON charges (business_id, charged_at, message_id)`,
        `DROP INDEX IF EXISTS charges_by_business_time`,
        `CREATE TABLE IF NOT EXISTS invoice_adjustments (
           business_id TEXT NOT NULL, month TEXT NOT NULL, for_month TEXT NOT NULL, market TEXT NOT NULL, category TEXT NOT NULL,
           pricing_type TEXT NOT NULL, messages BIGINT NOT NULL, amount_micros BIGINT NOT NULL,
           PRIMARY KEY (business_id, month, for_month, market, category, pricing_type))`,
        `CREATE TABLE IF NOT EXISTS invoices (
           business_id TEXT NOT NULL, month TEXT NOT NULL, status TEXT NOT NULL, finalized_at TEXT,
           charged_through BIGINT NOT NULL, total_micros BIGINT, total_cents BIGINT, PRIMARY KEY (business_id, month))`,
        `CREATE INDEX IF NOT EXISTS invoices_by_status ON invoices (status, month)`,
        `INSERT INTO invoices (business_id, month, status, charged_through) SELECT DISTINCT business_id, month, 'draft', 0 FROM invoice_lines`,
      ],
    },
  ],
  tables: ['charges', 'invoice_lines', 'invoice_adjustments', 'invoices'],
  apply: (tx, event) => (event.type === 'MessageCharged' ? billCharge(tx, event) : finalizeInvoice(tx, event)),
};
