import type { RecordedEvent } from '@ventana/event-store';
import type { SqlExecutor } from '../sql/sql-database';
import type { Projection } from '../projection';

/** Every outbound message as the business sees it: status, pricing, charge, errors. */
export interface MessageRow {
  id: string;
  business_id: string;
  wa_id: string;
  type: string;
  status: string;
  pricing: string | null;
  charge: string | null;
  errors: string | null;
  requested_at: string;
  updated_at: string;
}

const RANK = { pending: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: 5 } as const;
type Status = keyof typeof RANK;

/** Statuses only move forward: a late 'sent' never overwrites 'delivered' or 'read'. */
const advance = (tx: SqlExecutor, id: string, status: Status, at: string, set = '', params: unknown[] = []) =>
  tx.run(
    `UPDATE messages SET status = ?, status_rank = ?, updated_at = ?${set} WHERE id = ? AND status_rank < ?`,
    [status, RANK[status], at, ...(params as string[]), id, RANK[status]],
  );

type Data = Record<string, unknown> & { messageId: string; at: string };

export const messagesProjection: Projection = {
  name: 'messages',
  eventTypes: [
    'MessageRequested',
    'MessageAccepted',
    'MessageRejected',
    'MessageSent',
    'MessageDelivered',
    'MessageRead',
    'MessageDeliveryFailed',
    'MessageCharged',
  ],
  migrations: [
    {
      version: 1,
      // pricing, charge and errors are JSON kept as text.
      statements: [
        `CREATE TABLE IF NOT EXISTS messages (
           id TEXT PRIMARY KEY, business_id TEXT NOT NULL, wa_id TEXT NOT NULL, type TEXT NOT NULL,
           status TEXT NOT NULL, status_rank INTEGER NOT NULL,
           pricing TEXT, charge TEXT, errors TEXT, requested_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      ],
    },
  ],
  tables: ['messages'],
  async apply(tx, event: RecordedEvent) {
    const d = event.data as Data;
    switch (event.type) {
      case 'MessageRequested':
        return tx.run(
          `INSERT INTO messages (id, business_id, wa_id, type, status, status_rank, requested_at, updated_at)
           VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [d.messageId, d.businessId as string, d.waId as string, d.kind as string, d.at, d.at],
        );
      case 'MessageAccepted': {
        const pricing = { billable: d.billable, pricing_model: 'PMP', category: d.category, type: d.pricingType };
        return advance(tx, d.messageId, 'accepted', d.at, ', pricing = ?', [JSON.stringify(pricing)]);
      }
      case 'MessageRejected':
      case 'MessageDeliveryFailed':
        return advance(tx, d.messageId, 'failed', d.at, ', errors = ?', [JSON.stringify([d.error])]);
      case 'MessageSent':
        return advance(tx, d.messageId, 'sent', d.at);
      case 'MessageDelivered':
        return advance(tx, d.messageId, 'delivered', d.at);
      case 'MessageRead':
        return advance(tx, d.messageId, 'read', d.at);
      case 'MessageCharged': {
        const charge = { amount_micros: d.amountMicros, currency: d.currency, rate_card_version: d.rateCardVersion, market: d.market };
        return tx.run(`UPDATE messages SET charge = ? WHERE id = ?`, [JSON.stringify(charge), d.messageId]);
      }
    }
  },
};
