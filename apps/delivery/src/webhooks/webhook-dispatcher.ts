import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@ventana/event-store';
import { Dialects, type SqlDatabase } from '@ventana/projections';
import { CLOCK, type Clock, CONFIG, EVENT_STORE, type PlatformConfig, DELIVERY_STATE, metricsRegistry, WORKLOAD, type Workload } from '@ventana/platform';
import { Counter } from 'prom-client';
import type { OutboxRow } from '../delivery-schema';
import { signatureHeaders } from './webhook-signature';
import { WebhookSecrets } from './webhook-secrets';

const MAX_BACKOFF_MS = 60 * 60 * 1000;
const IN_FLIGHT = 16;
/** Added to the webhook timeout to make an outbox lease: covers the business lookup and the bookkeeping after the POST. */
const LEASE_MARGIN_MS = 30_000;

const attempts = new Counter({
  name: 'ventana_webhook_attempts_total',
  help: 'Webhook POSTs to businesses, by outcome',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

/**
 * Posts the webhook outbox: signed, at least once, retried with exponential backoff (1 s, 2 s, 4 s …
 * capped at an hour, with jitter) until the business answers 2xx. The outbox is persistent, so a
 * restart resumes where it stopped. Backoff runs on real time: it is about the business's server.
 *
 * Several dispatchers (one per delivery process) may share the outbox. A dispatcher posts only the
 * rows it leased: one `UPDATE … SET leased_by, lease_until … RETURNING` takes due, unleased rows
 * (the condition is repeated on the UPDATE, which PostgreSQL re-checks under the row lock, so two
 * dispatchers never lease the same row; `FOR UPDATE SKIP LOCKED` lets them pass each other's rows).
 * A lease outlasts the POST's timeout, so a live holder is always done before it ends; a dead
 * holder's rows are retried by the others once it has. The outcome clears the lease.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private readonly secrets: WebhookSecrets;
  private readonly inFlight = new Set<string>();
  /** Who holds a lease: this dispatcher, for as long as the process lives. */
  private readonly holder = `${process.pid}-${randomUUID()}`;
  private timer?: NodeJS.Timeout;
  private pumping = false;
  private stopping = false;

  constructor(
    @Inject(DELIVERY_STATE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(WORKLOAD) private readonly workload: Workload,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.secrets = new WebhookSecrets(store);
  }

  onApplicationBootstrap(): void {
    if (!this.workload.reactors) return;
    this.timer = setInterval(() => void this.pump().catch((error) => this.logger.error({ err: error }, 'webhook pump failed')), 100);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    while (this.pumping || this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private async pump(): Promise<void> {
    const room = IN_FLIGHT - this.inFlight.size;
    if (room <= 0 || this.stopping || this.pumping) return;
    this.pumping = true;
    try {
      for (const row of await this.lease(room)) {
        this.inFlight.add(row.event_id);
        void this.post(row)
          .catch((error) => this.logger.error({ err: error, eventId: row.event_id }, 'recording a webhook attempt failed; its lease will end'))
          .finally(() => this.inFlight.delete(row.event_id));
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Leases up to `limit` due rows nobody holds, oldest due first. Its own transaction: on SQLite it never joins another's. */
  private async lease(limit: number): Promise<OutboxRow[]> {
    const now = Date.now();
    const free = `delivered_at IS NULL AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)`;
    const rows = await this.db.transaction((tx) =>
      tx.all<OutboxRow>(
        `UPDATE webhook_outbox SET leased_by = ?, lease_until = ?
         WHERE event_id IN (
             SELECT event_id FROM webhook_outbox WHERE ${free}
             ORDER BY next_attempt_at LIMIT ?${Dialects.skipLocked(this.db.dialect)})
           AND ${free}
         RETURNING event_id, business_id, url, body, attempts, next_attempt_at`,
        [this.holder, now + this.config.webhookTimeoutMs + LEASE_MARGIN_MS, now, now, limit, now, now],
      ),
    );
    return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at);
  }

  private async post(row: OutboxRow): Promise<void> {
    let failure: string;
    try {
      // Signed when posted, with the secrets in force then (platform time): a retry after a rotation carries the new one.
      const secrets = await this.secrets.at(row.business_id, this.clock.now());
      const response = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(row.body, secrets) },
        body: row.body,
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        attempts.inc({ outcome: 'delivered' });
        // Delivered is a fact whoever holds the row now: recorded unconditionally.
        await this.db.transaction((tx) =>
          tx.run(`UPDATE webhook_outbox SET delivered_at = ?, attempts = attempts + 1, leased_by = NULL, lease_until = NULL WHERE event_id = ?`, [
            new Date().toISOString(),
            row.event_id,
          ]),
        );
        return;
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    attempts.inc({ outcome: 'failed' });
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** row.attempts) * (0.8 + Math.random() * 0.4);
    // A failure is rescheduled only by the lease's holder (a lease taken over meanwhile is the new holder's to settle).
    await this.db.transaction((tx) =>
      tx.run(
        `UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, leased_by = NULL, lease_until = NULL
         WHERE event_id = ? AND leased_by = ? AND delivered_at IS NULL`,
        [Date.now() + Math.round(backoff), failure.slice(0, 500), row.event_id, this.holder],
      ),
    );
  }
}
