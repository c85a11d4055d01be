import { monthOf } from '@ventana/domain';
import type { Projection } from '../projection';

/** Every per-message charge, and its monthly roll-up per business, market, category and pricing type. */
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

interface Charged {
  messageId: string;
  businessId: string;
  waId: string;
  market: string;
  category: string;
  pricingType: string;
  amountMicros: number;
  rateCardVersion: number | null;
  deliveredAt: string;
}

export const chargesProjection: Projection = {
  name: 'charges',
  eventTypes: ['MessageCharged'],
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
  ],
  tables: ['charges', 'invoice_lines'],
  async apply(tx, event) {
    const c = event.data as Charged;
    // A charge is the delivery's: it belongs to the UTC month of the delivery time.
    await tx.run(
      `INSERT INTO charges (message_id, business_id, wa_id, market, category, pricing_type, amount_micros, rate_card_version, charged_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [c.messageId, c.businessId, c.waId, c.market, c.category, c.pricingType, c.amountMicros, c.rateCardVersion, c.deliveredAt],
    );
    await tx.run(
      `INSERT INTO invoice_lines (business_id, month, market, category, pricing_type, messages, amount_micros)
       VALUES (?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT (business_id, month, market, category, pricing_type) DO UPDATE SET
         messages = invoice_lines.messages + 1, amount_micros = invoice_lines.amount_micros + excluded.amount_micros`,
      [c.businessId, monthOf(c.deliveredAt), c.market, c.category, c.pricingType, c.amountMicros],
    );
  },
};
