import { type Migration, type SqlDatabase, migrate } from '@ventana/projections';

/**
 * Delivery's own state (delivery.db, or a PostgreSQL schema shared by every delivery process),
 * moved in the same transaction as its checkpoint: content waiting to be handed over, device
 * inboxes, and the webhook outbox. Portable SQL only (see the SqlDatabase port); instants a human
 * reads are ISO-8601 text, instants only compared (`next_attempt_at`, leases) are epoch ms BIGINT.
 */
export const DELIVERY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS delivery_outbound (
         message_id TEXT PRIMARY KEY, business_id TEXT NOT NULL, wa_id TEXT NOT NULL, kind TEXT NOT NULL,
         template TEXT, content TEXT, pricing TEXT)`,
      `CREATE TABLE IF NOT EXISTS delivery_inbox (
         message_id TEXT PRIMARY KEY, wa_id TEXT NOT NULL, item TEXT NOT NULL, sent_at TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS delivery_inbox_by_customer ON delivery_inbox (wa_id, sent_at)`,
      `CREATE INDEX IF NOT EXISTS delivery_inbox_by_age ON delivery_inbox (sent_at)`,
      `CREATE TABLE IF NOT EXISTS webhook_outbox (
         event_id TEXT PRIMARY KEY, business_id TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, delivered_at TEXT, last_error TEXT)`,
      `CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at)`,
    ],
  },
  {
    version: 2,
    // Several delivery processes share this state: an inbox row is claimed by one fetch (or one
    // expiry pass) at a time, an outbox row by one dispatcher at a time, each until its lease ends
    // (epoch ms of real time), so a crashed holder's rows come back after the lease.
    statements: [
      `ALTER TABLE delivery_inbox ADD COLUMN claimed_by TEXT`,
      `ALTER TABLE delivery_inbox ADD COLUMN claimed_until BIGINT`,
      `ALTER TABLE webhook_outbox ADD COLUMN leased_by TEXT`,
      `ALTER TABLE webhook_outbox ADD COLUMN lease_until BIGINT`,
    ],
  },
  {
    version: 3,
    // The checkpoint moved to the subscription adapter's own table (`subscription_checkpoints`, or
    // Kafka offsets in `subscription_offsets`), written in the same transaction as this state.
    statements: [`DROP TABLE IF EXISTS checkpoints`],
  },
  {
    version: 4,
    // A fetch deletes (or on failure releases) exactly the rows its claim holds; without this
    // index each fetch scanned every undelivered message. Partial: unclaimed rows are most rows.
    statements: [`CREATE INDEX IF NOT EXISTS delivery_inbox_by_claim ON delivery_inbox (claimed_by) WHERE claimed_by IS NOT NULL`],
  },
];

/** The name delivery's migrations are recorded under in `schema_migrations`. */
export const DELIVERY_SCHEMA_NAME = 'delivery';

/** Applies delivery's pending schema migrations (DeliveryModule runs it at start, before any reactor or timer). */
export const migrateDeliveryState = (db: SqlDatabase): Promise<number[]> => migrate(db, DELIVERY_SCHEMA_NAME, DELIVERY_MIGRATIONS);


export interface OutboundRow {
  message_id: string;
  business_id: string;
  wa_id: string;
  kind: 'text' | 'template';
  template: string | null;
  content: string | null;
  pricing: string | null;
}

export interface InboxRow {
  message_id: string;
  wa_id: string;
  item: string;
  sent_at: string;
}

export interface OutboxRow {
  event_id: string;
  business_id: string;
  url: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
}
