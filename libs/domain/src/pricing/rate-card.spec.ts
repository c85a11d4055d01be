import { ms } from '../shared/time';
import { MAX_PRICE_MICROS, MIN_PRICE_MICROS, marketOf, parseRateCard, rateCardInForce, type RateCard, type RateCardDraft } from './rate-card';

type Prices = Record<'marketing' | 'utility' | 'authentication', string>;
const draft = (prices: Prices, extra: Partial<RateCardDraft> = {}): RateCardDraft => ({
  effectiveFrom: '2026-03-01T00:00:00.000Z',
  currency: 'USD',
  markets: [{ market: 'IN', callingCodes: ['91'], prices }],
  ...extra,
});
/** A card whose utility and authentication prices are valid, to test one marketing price. */
const ok = (marketing: string, utility = '0.02', authentication = '0.01') => draft({ marketing, utility, authentication });
const valid: Prices = { marketing: '0.05', utility: '0.02', authentication: '0.01' };
const problemsOf = (d: RateCardDraft) => {
  const parsed = parseRateCard(d);
  return 'problems' in parsed ? parsed.problems : [];
};

describe('rule 7: rate cards', () => {
  describe('prices lie between $0.005 and $0.09, both included, with at most six decimals', () => {
    it('the bounds are 5,000 and 90,000 micros', () => {
      expect([MIN_PRICE_MICROS, MAX_PRICE_MICROS]).toEqual([5_000, 90_000]);
    });

    it('accepts both bounds and parses prices to micros', () => {
      expect(parseRateCard(ok('0.09', '0.005', '0.0107'))).toEqual({
        markets: [{ market: 'IN', callingCodes: ['91'], pricesMicros: { marketing: 90_000, utility: 5_000, authentication: 10_700 } }],
      });
      expect(parseRateCard(ok('0.090000', '0.005000'))).toHaveProperty('markets');
    });

    it.each(['0.0049999', '0.004999', '0.090001', '0.1', '1', '0'])('refuses %s', (price) => {
      expect(problemsOf(ok(price))).toEqual([expect.objectContaining({ field: 'markets[0].prices.marketing' })]);
    });

    it.each(['marketing', 'utility', 'authentication'] as const)('applies to the %s price too', (category) => {
      expect(problemsOf(draft({ ...valid, [category]: '0.0049999' }))).toEqual([expect.objectContaining({ field: `markets[0].prices.${category}` })]);
      expect(problemsOf(draft({ ...valid, [category]: '0.090001' }))).toHaveLength(1);
      expect(problemsOf(draft({ ...valid, [category]: '0.005' }))).toEqual([]);
    });

    it('refuses more than six decimals even when the value is in range', () => {
      expect(problemsOf(ok('0.0100000'))).toHaveLength(1);
    });

    it.each(['', 'abc', '1e-2', '-0.01', '+0.01', '.05', '0.', '0,05', ' 0.05', '0.05 ', '$0.05', '0x10', 'NaN'])('refuses the non-decimal string %j', (price) => {
      expect(problemsOf(ok(price))).toHaveLength(1);
    });

    it('refuses a price given as a number instead of a decimal string', () => {
      expect(problemsOf(ok(0.05 as unknown as string))).toHaveLength(1);
    });

    it('refuses a missing price', () => {
      const missing = { marketing: '0.05', utility: '0.02' } as unknown as Prices;
      expect(problemsOf(draft(missing))).toEqual([expect.objectContaining({ field: 'markets[0].prices.authentication' })]);
    });

    it('reports every problem at once', () => {
      expect(problemsOf(draft({ marketing: '0.1', utility: '0.004', authentication: 'free' }))).toHaveLength(3);
    });
  });

  describe('card shape', () => {
    it('refuses another currency, a bad effective_from and an empty card', () => {
      expect(problemsOf(draft(valid, { currency: 'EUR' }))).toEqual([expect.objectContaining({ field: 'currency' })]);
      expect(problemsOf(draft(valid, { effectiveFrom: 'tomorrow' }))).toEqual([expect.objectContaining({ field: 'effective_from' })]);
      expect(problemsOf(draft(valid, { markets: [] }))).toEqual([expect.objectContaining({ field: 'markets' })]);
    });

    it('refuses a market twice, a calling code in two markets and a calling code that is not digits or "*"', () => {
      const markets = [
        { market: 'IN', callingCodes: ['91'], prices: valid },
        { market: 'IN', callingCodes: ['91', '+44', '0'], prices: valid },
      ];
      expect(problemsOf(draft(valid, { markets })).map((x) => x.field)).toEqual([
        'markets[1].market',
        'markets[1].calling_codes',
        'markets[1].calling_codes',
        'markets[1].calling_codes',
      ]);
    });
  });

  describe('the customer market: longest calling-code prefix, else rest of world', () => {
    const card: RateCard = {
      version: 1,
      effectiveFrom: '2026-03-01T00:00:00.000Z',
      currency: 'USD',
      markets: [
        { market: 'NANP', callingCodes: ['1'], pricesMicros: { marketing: 25_000, utility: 4_000, authentication: 13_500 } },
        { market: 'JM', callingCodes: ['1876'], pricesMicros: { marketing: 60_000, utility: 9_000, authentication: 30_000 } },
        { market: 'IN', callingCodes: ['91'], pricesMicros: { marketing: 10_700, utility: 5_000, authentication: 5_000 } },
        { market: 'ROW', callingCodes: ['*'], pricesMicros: { marketing: 60_000, utility: 8_000, authentication: 30_000 } },
      ],
    };

    it('the longest prefix wins', () => {
      expect(marketOf(card, '18765551234')?.market).toBe('JM');
      expect(marketOf(card, '14155551234')?.market).toBe('NANP');
      expect(marketOf(card, '919812345678')?.market).toBe('IN');
    });

    it('falls back to the rest-of-world market', () => {
      expect(marketOf(card, '447700900123')?.market).toBe('ROW');
    });

    it('has no market without a rest-of-world market', () => {
      expect(marketOf({ ...card, markets: card.markets.slice(0, 3) }, '447700900123')).toBeUndefined();
    });
  });

  describe('the card in force', () => {
    const card = (version: number, effectiveFrom: string): RateCard => ({ version, effectiveFrom, currency: 'USD', markets: [] });
    const cards = [card(1, '2026-01-01T00:00:00.000Z'), card(3, '2026-03-01T00:00:00.000Z'), card(2, '2026-03-01T00:00:00.000Z'), card(4, '2026-04-01T00:00:00.000Z')];

    it('is the latest effective_from not after the moment, the higher version on a tie', () => {
      expect(rateCardInForce(cards, ms('2026-02-15T00:00:00.000Z'))?.version).toBe(1);
      expect(rateCardInForce(cards, ms('2026-03-01T00:00:00.000Z'))?.version).toBe(3);
      expect(rateCardInForce(cards, ms('2026-03-31T23:59:59.999Z'))?.version).toBe(3);
    });

    it('a card effective in the future does not apply yet, and applies from its effective_from', () => {
      expect(rateCardInForce(cards, ms('2026-04-01T00:00:00.000Z') - 1)?.version).toBe(3);
      expect(rateCardInForce(cards, ms('2026-04-01T00:00:00.000Z'))?.version).toBe(4);
    });

    it('is none before the first card', () => {
      expect(rateCardInForce(cards, ms('2025-12-31T23:59:59.999Z'))).toBeUndefined();
      expect(rateCardInForce([], ms('2026-03-01T00:00:00.000Z'))).toBeUndefined();
    });
  });
});
