import {
  type EventOf,
  type MessageEvent,
  type OutboundMessage,
  type RateCard,
  evolveMessage,
  initialMessage,
} from '@ventana/domain';
import type { EventStore, RecordedEvent } from '@ventana/event-store';
import { type RateCardPublished, rateCardOf } from '../../../pricing/src/rate-cards/rate-card-events';
import { logPages } from '../log/log-pages';

export type Charged = Extract<MessageEvent, { type: 'MessageCharged' }>['data'];
export type Accepted = EventOf<'MessageAccepted'>['data'];

/** Everything the log says about billing, read once: each message folded by the domain, its charges, the rate cards. */
export interface BillingLog {
  charges: { data: Charged; event: RecordedEvent }[];
  messages: Map<string, OutboundMessage>;
  accepted: Map<string, { data: Accepted; position: number }>;
  cards: { card: RateCard; position: number }[];
  head: number;
}

const MESSAGE_EVENTS = new Set(['MessagePriced', 'MessageSent', 'MessageDelivered', 'MessageRead', 'MessageDeliveryFailed', 'MessageCharged']);

export async function readBillingLog(store: EventStore, label?: string): Promise<BillingLog> {
  const log: BillingLog = { charges: [], messages: new Map(), accepted: new Map(), cards: [], head: await store.headPosition() };
  // Unfiltered: with this many types one pass over the log is cheaper than the store's per-type merge.
  for await (const page of logPages(store, { through: log.head, pageSize: 5000, label })) {
    for (const event of page) {
      if (event.type === 'MessageAccepted') {
        const data = event.data as Accepted;
        log.accepted.set(data.messageId, { data, position: event.position });
      } else if (event.type === 'RateCardPublished') {
        log.cards.push({ card: rateCardOf(event as unknown as RateCardPublished), position: event.position });
      } else if (MESSAGE_EVENTS.has(event.type)) {
        const message = event as unknown as MessageEvent;
        if (message.type === 'MessageCharged') log.charges.push({ data: message.data, event });
        const id = message.data.messageId;
        log.messages.set(id, evolveMessage(log.messages.get(id) ?? initialMessage(), message));
      }
    }
  }
  return log;
}

/** The cards a message accepted at `position` was priced among: those logged before it (pricing.reactor.ts). */
export const cardsBefore = (log: BillingLog, position: number): RateCard[] => log.cards.filter((c) => c.position < position).map((c) => c.card);
