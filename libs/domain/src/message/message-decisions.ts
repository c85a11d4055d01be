import type { MessageError } from '../shared/error-codes';
import type { Pricing } from '../pricing/pricing-type';
import type { Quote } from '../pricing/quote';
import { monthOf } from '../pricing/invoice';
import { invoiceMonthOf } from '../invoice/billing-month';
import type { MessageEvent, OutboundMessage } from './message';

/**
 * The message stream's deciders. Each is idempotent: asked again for something already done,
 * it decides nothing, so an at-least-once subscription can call it as often as it likes.
 */
interface Ref {
  messageId: string;
  businessId: string;
  waId: string;
}

export const price = (state: OutboundMessage, ref: Ref, pricing: Pricing, q: Quote, at: string): MessageEvent[] =>
  state.status !== 'none'
    ? []
    : [{ type: 'MessagePriced', data: { ...ref, at, ...q, category: pricing.category, pricingType: pricing.type, billable: pricing.billable, currency: 'USD' } }];

export const send = (state: OutboundMessage, ref: Ref, at: string): MessageEvent[] =>
  state.status === 'priced' ? [{ type: 'MessageSent', data: { ...ref, at } }] : [];

/** The device's acknowledgement may arrive before the 'sent' status is recorded; that late 'sent' is then ignored. */
export const deliver = (state: OutboundMessage, ref: Ref, at: string): MessageEvent[] =>
  state.status === 'priced' || state.status === 'sent' ? [{ type: 'MessageDelivered', data: { ...ref, at } }] : [];

export const read = (state: OutboundMessage, ref: Ref, at: string): MessageEvent[] =>
  state.status === 'delivered' ? [{ type: 'MessageRead', data: { ...ref, at } }] : [];

export const failDelivery = (state: OutboundMessage, ref: Ref, error: MessageError, at: string): MessageEvent[] =>
  state.status === 'priced' || state.status === 'sent' ? [{ type: 'MessageDeliveryFailed', data: { ...ref, at, error } }] : [];

/**
 * A charge exists exactly once, only for a delivered billable message, dated at its delivery.
 * `billing` (when it is recorded, and the invoices' grace period) decides which invoice bills it;
 * without it, the delivery month's.
 */
export function charge(state: OutboundMessage, ref: Ref, at: string, billing?: { now: number; graceMs: number }): MessageEvent[] {
  const priced = state.priced;
  if (state.charged || !priced?.billable || state.deliveredAt === null) return [];
  const { market, amountMicros, rateCardVersion, category, pricingType } = priced;
  const deliveredAt = state.deliveredAt;
  const invoiceMonth = billing ? invoiceMonthOf(deliveredAt, billing.now, billing.graceMs) : monthOf(deliveredAt);
  return [
    {
      type: 'MessageCharged',
      data: { ...ref, at, market, amountMicros, rateCardVersion, category, pricingType, currency: 'USD', deliveredAt, invoiceMonth },
    },
  ];
}
