import { SECOND, iso, ms } from '@ventana/domain';
import type { Projection } from '../projection';

/**
 * What a business's limits are read from (GET /v1/{business_id}/limits): per (business, customer)
 * the latest accepted message and the latest one sent outside the window, the latest block, and
 * the acceptances of the last second. Counting them over a window and rating them is the
 * domain's work (limits/*), done at read time; window-policy decides from the same events.
 */
export interface LimitReachRow {
  business_id: string;
  wa_id: string;
  last_messaged_at: string;
  last_reached_outside_window_at: string | null;
}

interface Accepted {
  messageId: string;
  businessId: string;
  waId: string;
  at: string;
  outsideCustomerServiceWindow: boolean;
}

// Instants are ISO-8601 UTC text of one format, so the later of two is the greater string.
const later = (column: string) =>
  `CASE WHEN excluded.${column} > limit_reach.${column} THEN excluded.${column} ELSE limit_reach.${column} END`;

export const messagingLimitsProjection: Projection = {
  name: 'messaging-limits',
  eventTypes: ['MessageAccepted', 'BusinessBlocked'],
  migrations: [
    {
      version: 1,
      statements: [
        `CREATE TABLE IF NOT EXISTS limit_reach (
           business_id TEXT NOT NULL, wa_id TEXT NOT NULL,
           last_messaged_at TEXT NOT NULL, last_reached_outside_window_at TEXT,
           PRIMARY KEY (business_id, wa_id))`,
        `CREATE TABLE IF NOT EXISTS limit_blocks (
           business_id TEXT NOT NULL, wa_id TEXT NOT NULL, blocked_at TEXT NOT NULL,
           PRIMARY KEY (business_id, wa_id))`,
        // Only the last second of each business's acceptances is kept (pruned as events arrive).
        `CREATE TABLE IF NOT EXISTS limit_recent_acceptances (
           message_id TEXT PRIMARY KEY, business_id TEXT NOT NULL, accepted_at TEXT NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS limit_recent_acceptances_by_business ON limit_recent_acceptances (business_id, accepted_at)`,
      ],
    },
  ],
  tables: ['limit_reach', 'limit_blocks', 'limit_recent_acceptances'],
  async apply(tx, event) {
    if (event.type === 'BusinessBlocked') {
      const { businessId, waId, at } = event.data as { businessId: string; waId: string; at: string };
      return tx.run(
        `INSERT INTO limit_blocks (business_id, wa_id, blocked_at) VALUES (?, ?, ?)
         ON CONFLICT (business_id, wa_id) DO UPDATE SET blocked_at = CASE WHEN excluded.blocked_at > limit_blocks.blocked_at
           THEN excluded.blocked_at ELSE limit_blocks.blocked_at END`,
        [businessId, waId, at],
      );
    }
    const a = event.data as Accepted;
    const outside = a.outsideCustomerServiceWindow ? a.at : null;
    await tx.run(
      `INSERT INTO limit_reach (business_id, wa_id, last_messaged_at, last_reached_outside_window_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (business_id, wa_id) DO UPDATE SET
         last_messaged_at = ${later('last_messaged_at')},
         last_reached_outside_window_at = CASE WHEN limit_reach.last_reached_outside_window_at IS NULL
           OR excluded.last_reached_outside_window_at > limit_reach.last_reached_outside_window_at
           THEN excluded.last_reached_outside_window_at ELSE limit_reach.last_reached_outside_window_at END`,
      [a.businessId, a.waId, a.at, outside],
    );
    // Pruned by event time, so a rebuild from the log keeps exactly the rows the live run kept.
    await tx.run(`DELETE FROM limit_recent_acceptances WHERE business_id = ? AND accepted_at <= ?`, [a.businessId, iso(ms(a.at) - SECOND)]);
    await tx.run(
      `INSERT INTO limit_recent_acceptances (message_id, business_id, accepted_at) VALUES (?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
      [a.messageId, a.businessId, a.at],
    );
  },
};
