import { ms } from '../shared/time';
import type { Pricing } from './pricing-type';
import { UNPRICED_MARKET, quote } from './quote';
import type { RateCard } from './rate-card';

const card = (version: number, effectiveFrom: string, marketing: number): RateCard => ({
  version,
  effectiveFrom,
  currency: 'USD',
  markets: [
    { market: 'IN', callingCodes: ['91'], pricesMicros: { marketing, utility: 5_000, authentication: 6_000 } },
    { market: 'ROW', callingCodes: ['*'], pricesMicros: { marketing: 60_000, utility: 8_000, authentication: 30_000 } },
  ],
});
const cards = [card(1, '2026-01-01T00:00:00.000Z', 10_700), card(2, '2026-04-01T00:00:00.000Z', 12_000)];
const march = ms('2026-03-15T12:00:00.000Z');
const regular = (category: Pricing['category']): Pricing => ({ category, type: 'regular', billable: true });

describe('rule 7: quoting an accepted message', () => {
  it('a regular message costs the price of its market and category on the card in force, version recorded', () => {
    expect(quote(cards, '919812345678', regular('marketing'), march)).toEqual({ market: 'IN', amountMicros: 10_700, rateCardVersion: 1 });
    expect(quote(cards, '919812345678', regular('utility'), march)).toEqual({ market: 'IN', amountMicros: 5_000, rateCardVersion: 1 });
    expect(quote(cards, '919812345678', regular('authentication'), march)).toEqual({ market: 'IN', amountMicros: 6_000, rateCardVersion: 1 });
    expect(quote(cards, '447700900123', regular('marketing'), march)).toEqual({ market: 'ROW', amountMicros: 60_000, rateCardVersion: 1 });
  });

  it.each([
    { category: 'service', type: 'free_customer_service', billable: false },
    { category: 'utility', type: 'free_customer_service', billable: false },
    { category: 'marketing', type: 'free_entry_point', billable: false },
    { category: 'authentication', type: 'free_entry_point', billable: false },
  ] as Pricing[])('a free message ($category, $type) costs 0', (pricing) => {
    expect(quote(cards, '919812345678', pricing, march)).toEqual({ market: 'IN', amountMicros: 0, rateCardVersion: 1 });
  });

  it('is fixed at acceptance: a card published later with a later effective_from does not re-price', () => {
    expect(quote(cards, '919812345678', regular('marketing'), march).amountMicros).toBe(10_700);
    expect(quote(cards, '919812345678', regular('marketing'), ms('2026-04-01T00:00:00.000Z'))).toEqual({ market: 'IN', amountMicros: 12_000, rateCardVersion: 2 });
  });

  it('without a card in force, or a market for the number, the message is quoted 0 under UNPRICED', () => {
    expect(quote([], '919812345678', regular('marketing'), march)).toEqual({ market: UNPRICED_MARKET, amountMicros: 0, rateCardVersion: null });
    const noRow = { ...cards[0], markets: cards[0].markets.slice(0, 1) };
    expect(quote([noRow], '447700900123', regular('marketing'), march)).toEqual({ market: UNPRICED_MARKET, amountMicros: 0, rateCardVersion: 1 });
  });
});
