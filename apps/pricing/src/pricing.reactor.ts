import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type EventOf, type MessageEvent, MessageDecisions, foldMessage, ms, quote } from '@ventana/domain';
import { type EventStore, type RecordedEvent, decideOnStream } from '@ventana/event-store';
import { CLOCK, CONFIG, type Clock, EVENT_STORE, type PlatformConfig, SUBSCRIPTIONS, Streams, fromEvent, WORKLOAD, type Workload } from '@ventana/platform';
import type { Subscription, Subscriptions } from '@ventana/subscriptions';
import { RateCardBook } from './rate-cards/rate-card-book';

type Accepted = EventOf<'MessageAccepted'>['data'];

/**
 * Prices each accepted message with the card in force at its acceptance, and charges it exactly
 * once when it is delivered. Only cards already in the log before the acceptance count, so a card
 * published later never re-prices a message, even one whose pricing is replayed.
 */
@Injectable()
export class PricingReactor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('pricing');
  private readonly cards: RateCardBook;
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SUBSCRIPTIONS) private readonly subscriptions: Subscriptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKLOAD) private readonly workload: Workload,
    @Inject(CONFIG) private readonly config: PlatformConfig,
  ) {
    this.cards = new RateCardBook(store);
  }

  onApplicationBootstrap(): void {
    if (!this.workload.reactors) return;
    this.subscription = this.subscriptions.react({
      name: 'pricing',
      types: ['MessageAccepted', 'MessageDelivered'],
      handle: (event) => (event.type === 'MessageAccepted' ? this.price(event) : this.charge(event)),
      partitionBy: (event) => (event.data as { messageId: string }).messageId,
      onError: (error, attempt) => this.logger.error({ err: error, attempt }, 'pricing an event failed; retrying'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  private async price(event: RecordedEvent): Promise<void> {
    const accepted = event.data as Accepted;
    const ref = { messageId: accepted.messageId, businessId: accepted.businessId, waId: accepted.waId };
    const pricing = { category: accepted.category, type: accepted.pricingType, billable: accepted.billable };
    const known = await this.cards.loggedBefore(event.position);
    const q = quote(known, accepted.waId, pricing, ms(accepted.at));
    await this.onMessage(accepted.messageId, event, (state) => MessageDecisions.price(state, ref, pricing, q, accepted.at));
  }

  private async charge(event: RecordedEvent): Promise<void> {
    const { messageId, businessId, waId } = event.data as { messageId: string; businessId: string; waId: string };
    // Which invoice bills it depends on when it is recorded: after its month's grace period, it is a late charge.
    const billing = { now: this.clock.now(), graceMs: this.config.invoiceGraceSeconds * 1000 };
    await this.onMessage(messageId, event, (state) => MessageDecisions.charge(state, { messageId, businessId, waId }, event.metadata.time, billing));
  }

  private onMessage(messageId: string, cause: RecordedEvent, decide: (state: ReturnType<typeof foldMessage>) => MessageEvent[]) {
    return decideOnStream<MessageEvent>(
      this.store,
      Streams.message(messageId),
      (history) => ({ events: decide(foldMessage(history)), result: undefined }),
      fromEvent(cause, this.clock.now()),
    );
  }
}
