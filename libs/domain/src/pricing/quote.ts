import type { Pricing } from './pricing-type';
import { type RateCard, marketOf, rateCardInForce } from './rate-card';

/** Market reported when no card is in force or the card has no market for the number. */
export const UNPRICED_MARKET = 'UNPRICED';

export interface Quote {
  market: string;
  amountMicros: number;
  rateCardVersion: number | null;
}

/**
 * The price of an accepted message, fixed at acceptance with the card then in force. Free
 * pricing types cost 0 whatever the card says. A billable message with no applicable card is
 * quoted 0 under the UNPRICED market so that finance can see and chase it (README: "Unpriced").
 */
export function quote(cards: readonly RateCard[], waId: string, pricing: Pricing, acceptedAt: number): Quote {
  const card = rateCardInForce(cards, acceptedAt);
  const market = card && marketOf(card, waId);
  if (!card || !market) return { market: UNPRICED_MARKET, amountMicros: 0, rateCardVersion: card?.version ?? null };
  const amountMicros = pricing.billable && pricing.category !== 'service' ? market.pricesMicros[pricing.category] : 0;
  return { market: market.market, amountMicros, rateCardVersion: card.version };
}
