import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type CustomerEvent, type EventOf, type MessageEvent, MessageDecisions, foldCustomer, foldMessage } from '@ventana/domain';
import { type EventStore, type RecordedEvent, decideOnStream } from '@ventana/event-store';
import type { SqlDatabase, SqlExecutor } from '@ventana/projections';
import { CLOCK, type Clock, EVENT_STORE, DELIVERY_STATE, SUBSCRIPTIONS, Streams, fromEvent, WORKLOAD, type Workload } from '@ventana/platform';
import type { Subscription, Subscriptions } from '@ventana/subscriptions';
import { BusinessProfiles } from './business-profiles';
import type { OutboundRow } from './delivery-schema';
import { type StatusUpdate, inboundPayload, statusPayload } from './webhooks/webhook-payloads';

const DELIVERY_SUBSCRIBER = 'delivery';

type D = Record<string, unknown> & { messageId: string; businessId: string; waId: string; at: string };

/**
 * Hands accepted, priced messages to the network (the device's inbox) and tells the business
 * every status on its webhook. Event-store effects are idempotent deciders; local state and the
 * checkpoint move in one transaction, so an outbox row is never written twice.
 */
@Injectable()
export class DeliveryReactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('delivery');
  private readonly businesses: BusinessProfiles;
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_STATE) private readonly db: SqlDatabase,
    @Inject(SUBSCRIPTIONS) private readonly subscriptions: Subscriptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKLOAD) private readonly workload: Workload,
  ) {
    this.businesses = new BusinessProfiles(store);
  }

  onApplicationBootstrap(): void {
    if (!this.workload.reactors) return;
    this.subscription = this.subscriptions.project({
      name: DELIVERY_SUBSCRIBER,
      db: this.db,
      types: [
        'MessageRequested',
        'MessageAccepted',
        'MessageRejected',
        'MessagePriced',
        'MessageSent',
        'MessageDelivered',
        'MessageRead',
        'MessageDeliveryFailed',
        'InboundMessageReceived',
      ],
      handle: (batch, commit) => this.handle(batch, commit),
      onError: (error, attempt) => this.logger.error({ err: error, attempt }, 'delivery batch failed; retrying'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Read-your-writes for the inbox: resolves once delivery has seen the log up to `position` (or after a while). */
  async caughtUp(position: number, timeoutMs = 2000): Promise<void> {
    await this.subscriptions.caughtUp(DELIVERY_SUBSCRIBER, position, timeoutMs);
  }

  private async handle(batch: readonly RecordedEvent[], commit: (write: (tx: SqlExecutor) => Promise<void>) => Promise<void>): Promise<void> {
    // Effects on the store first (idempotent), then local state + checkpoint atomically.
    await Promise.all(batch.filter((e) => e.type === 'MessagePriced').map((e) => this.send(e)));
    const writes: ((tx: SqlExecutor) => Promise<void>)[] = [];
    for (const event of batch) writes.push(await this.localEffect(event));
    await commit(async (tx) => {
      for (const write of writes) await write(tx);
    });
  }

  private async send(event: RecordedEvent): Promise<void> {
    const { messageId, businessId, waId } = event.data as D;
    const causation = fromEvent(event, this.clock.now());
    await decideOnStream<MessageEvent>(
      this.store,
      Streams.message(messageId),
      (history) => ({ events: MessageDecisions.send(foldMessage(history), { messageId, businessId, waId }, causation.time), result: undefined }),
      causation,
    );
  }

  /** Builds (with any reads it needs) the local writes one event causes. */
  private async localEffect(event: RecordedEvent): Promise<(tx: SqlExecutor) => Promise<void>> {
    const d = event.data as D;
    const noop = async () => undefined;
    switch (event.type) {
      case 'MessageRequested': {
        const r = event.data as EventOf<'MessageRequested'>['data'];
        return (tx) =>
          tx.run(
            `INSERT INTO delivery_outbound (message_id, business_id, wa_id, kind, template, content) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (message_id) DO NOTHING`,
            [r.messageId, r.businessId, r.waId, r.kind, r.template && JSON.stringify(r.template), r.content && JSON.stringify(r.content)],
          );
      }
      case 'MessageAccepted': {
        const a = event.data as EventOf<'MessageAccepted'>['data'];
        const pricing = { billable: a.billable, pricing_model: 'PMP', category: a.category, type: a.pricingType };
        const outbox = await this.statusWebhook(event, { status: 'accepted', pricing });
        return async (tx) => {
          await tx.run(`UPDATE delivery_outbound SET pricing = ? WHERE message_id = ?`, [JSON.stringify(pricing), a.messageId]);
          await outbox(tx);
        };
      }
      case 'MessageRejected': {
        const outbox = await this.statusWebhook(event, { status: 'failed', errors: [(event.data as { error: unknown }).error] });
        return async (tx) => {
          await tx.run(`DELETE FROM delivery_outbound WHERE message_id = ?`, [d.messageId]);
          await outbox(tx);
        };
      }
      case 'MessageSent':
        return this.handOver(event);
      case 'MessageDelivered':
        return this.statusWebhook(event, { status: 'delivered' });
      case 'MessageRead':
        return this.statusWebhook(event, { status: 'read' });
      case 'MessageDeliveryFailed': {
        const outbox = await this.statusWebhook(event, { status: 'failed', errors: [(event.data as { error: unknown }).error] });
        return async (tx) => {
          await tx.run(`DELETE FROM delivery_inbox WHERE message_id = ?`, [d.messageId]);
          await outbox(tx);
        };
      }
      case 'InboundMessageReceived':
        return this.inboundWebhook(event);
      default:
        return noop;
    }
  }

  /** 'sent': the message waits in the device's inbox; its content leaves the outbound table. */
  private async handOver(event: RecordedEvent) {
    const d = event.data as D;
    const business = await this.businesses.get(d.businessId);
    const outbox = await this.statusWebhook(event, { status: 'sent' });
    return async (tx: SqlExecutor) => {
      const row = await tx.one<OutboundRow>(`SELECT * FROM delivery_outbound WHERE message_id = ?`, [d.messageId]);
      if (row && (row.content !== null || row.template !== null)) {
        const content = row.content && JSON.parse(row.content);
        const template = row.template && JSON.parse(row.template);
        const item = {
          id: d.messageId,
          from: business.phoneNumber,
          sender_public_key: business.publicKey,
          type: row.kind,
          ...(row.kind === 'text'
            ? { text: content }
            : { template: { name: template.name, language: template.language, ...(content && { parameters: content }) } }),
          sent_at: d.at,
        };
        await tx.run(
          `INSERT INTO delivery_inbox (message_id, wa_id, item, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
          [d.messageId, d.waId, JSON.stringify(item), d.at],
        );
        await tx.run(`UPDATE delivery_outbound SET content = NULL, template = NULL WHERE message_id = ?`, [d.messageId]);
      }
      await outbox(tx);
    };
  }

  private async statusWebhook(event: RecordedEvent, update: Pick<StatusUpdate, 'status' | 'pricing' | 'errors'>) {
    const d = event.data as D;
    const business = await this.businesses.get(d.businessId);
    if (!business.webhookUrl) return async () => undefined;
    return async (tx: SqlExecutor) => {
      // Every status of a message that passed the policy carries its pricing.
      const pricing =
        update.pricing ??
        (update.status === 'failed' && event.type === 'MessageRejected'
          ? undefined
          : (await tx.one<{ pricing: string | null }>(`SELECT pricing FROM delivery_outbound WHERE message_id = ?`, [d.messageId]))?.pricing);
      const status: StatusUpdate = {
        id: d.messageId,
        status: update.status,
        timestamp: d.at,
        recipient_id: d.waId,
        ...(pricing && { pricing: typeof pricing === 'string' ? JSON.parse(pricing) : pricing }),
        ...(update.errors && { errors: update.errors }),
      };
      await this.enqueue(tx, event.id, business.id, business.webhookUrl!, statusPayload(business, status));
    };
  }

  private async inboundWebhook(event: RecordedEvent) {
    const m = event.data as EventOf<'InboundMessageReceived'>['data'];
    const business = await this.businesses.get(m.businessId);
    if (!business.webhookUrl) return async () => undefined;
    const { events } = await this.store.readStream(Streams.customer(m.waId));
    const payload = inboundPayload(business, {
      id: m.messageId,
      from: m.waId,
      sender_public_key: foldCustomer(events as unknown as CustomerEvent[])?.publicKey ?? null,
      timestamp: m.at,
      type: 'text',
      text: m.content,
      ...(m.referral && { referral: { source_type: m.referral.sourceType, source_id: m.referral.sourceId } }),
    });
    return (tx: SqlExecutor) => this.enqueue(tx, event.id, business.id, business.webhookUrl!, payload);
  }

  private enqueue(tx: SqlExecutor, eventId: string, businessId: string, url: string, payload: unknown) {
    return tx.run(
      `INSERT INTO webhook_outbox (event_id, business_id, url, body, next_attempt_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      [eventId, businessId, url, JSON.stringify(payload), Date.now()],
    );
  }
}
