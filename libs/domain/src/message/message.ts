import type { MessageError } from '../shared/error-codes';
import type { PricingCategory, PricingType } from '../pricing/pricing-type';
import type { Quote } from '../pricing/quote';

/**
 * One outbound message after the policy accepted it: priced, then handed to the network, then
 * acknowledged by the device, then read. Statuses only move forward.
 */
interface Ref {
  messageId: string;
  businessId: string;
  waId: string;
  at: string;
}

export type MessageEvent =
  | {
      type: 'MessagePriced';
      data: Ref & Quote & { category: PricingCategory; pricingType: PricingType; billable: boolean; currency: 'USD' };
    }
  | { type: 'MessageSent'; data: Ref }
  | { type: 'MessageDelivered'; data: Ref }
  | { type: 'MessageRead'; data: Ref }
  | { type: 'MessageDeliveryFailed'; data: Ref & { error: MessageError } }
  | {
      type: 'MessageCharged';
      data: Ref &
        Quote & {
          category: PricingCategory;
          pricingType: PricingType;
          currency: 'USD';
          deliveredAt: string;
          /** The month whose invoice bills it (invoice/billing-month.ts); absent on charges recorded before invoices had a lifecycle: the delivery month. */
          invoiceMonth?: string;
        };
    };

export type DeliveryStatus = 'priced' | 'sent' | 'delivered' | 'read' | 'failed';

export interface OutboundMessage {
  status: DeliveryStatus | 'none';
  priced: Extract<MessageEvent, { type: 'MessagePriced' }>['data'] | null;
  deliveredAt: string | null;
  charged: boolean;
}

export const initialMessage = (): OutboundMessage => ({ status: 'none', priced: null, deliveredAt: null, charged: false });

const RANK: Record<OutboundMessage['status'], number> = { none: 0, priced: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/** Moves the status only forward: a late 'sent' never overwrites 'delivered' or 'read'. */
const advance = (state: OutboundMessage, status: DeliveryStatus): OutboundMessage =>
  RANK[status] > RANK[state.status] && state.status !== 'failed' ? { ...state, status } : state;

export function evolveMessage(state: OutboundMessage, event: MessageEvent): OutboundMessage {
  switch (event.type) {
    case 'MessagePriced':
      // Priced once, at acceptance: a later price never re-prices the message.
      return { ...advance(state, 'priced'), priced: state.priced ?? event.data };
    case 'MessageSent':
      return advance(state, 'sent');
    case 'MessageDelivered': {
      // Only a delivery that moves the status counts: never after a failure, and the first one is kept.
      const next = advance(state, 'delivered');
      return next !== state && next.status === 'delivered' ? { ...next, deliveredAt: event.data.at } : next;
    }
    case 'MessageRead':
      return advance(state, 'read');
    case 'MessageDeliveryFailed':
      return advance(state, 'failed');
    case 'MessageCharged':
      return { ...state, charged: true };
  }
}

export const foldMessage = (events: readonly MessageEvent[]): OutboundMessage =>
  events.reduce(evolveMessage, initialMessage());
