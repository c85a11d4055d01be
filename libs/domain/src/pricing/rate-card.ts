import { usdToMicros } from '../shared/money';
import { ms } from '../shared/time';

/** Every billable price lies between half a cent and nine cents, both included. */
export const MIN_PRICE_MICROS = 5_000;
export const MAX_PRICE_MICROS = 90_000;
export const REST_OF_WORLD = '*';

export type BillableCategory = 'marketing' | 'utility' | 'authentication';
export const BILLABLE_CATEGORIES: readonly BillableCategory[] = ['marketing', 'utility', 'authentication'];

export interface MarketRates {
  market: string;
  callingCodes: string[];
  pricesMicros: Record<BillableCategory, number>;
}

export interface RateCard {
  version: number;
  effectiveFrom: string;
  currency: 'USD';
  markets: MarketRates[];
}

export interface RateCardDraft {
  effectiveFrom: string;
  currency: string;
  markets: { market: string; callingCodes: string[]; prices: Record<BillableCategory, string> }[];
}

export interface RateCardProblem {
  field: string;
  detail: string;
}

/** Checks a submitted card; returns its markets in micros, or every problem found. */
export function parseRateCard(draft: RateCardDraft): { markets: MarketRates[] } | { problems: RateCardProblem[] } {
  const problems: RateCardProblem[] = [];
  if (draft.currency !== 'USD') problems.push({ field: 'currency', detail: 'only USD is supported' });
  if (Number.isNaN(ms(draft.effectiveFrom))) problems.push({ field: 'effective_from', detail: 'must be an ISO-8601 time' });
  if (draft.markets.length === 0) problems.push({ field: 'markets', detail: 'at least one market is required' });

  const seenMarkets = new Set<string>();
  const seenCodes = new Set<string>();
  const markets = draft.markets.map((m, i): MarketRates => {
    const at = `markets[${i}]`;
    if (seenMarkets.has(m.market)) problems.push({ field: `${at}.market`, detail: `market ${m.market} appears twice` });
    seenMarkets.add(m.market);
    for (const code of m.callingCodes) {
      if (code !== REST_OF_WORLD && !/^[1-9][0-9]{0,5}$/.test(code)) {
        problems.push({ field: `${at}.calling_codes`, detail: `"${code}" is not a calling code (digits, or "*" for rest of world)` });
      }
      if (seenCodes.has(code)) problems.push({ field: `${at}.calling_codes`, detail: `calling code ${code} is in two markets` });
      seenCodes.add(code);
    }
    const pricesMicros = {} as Record<BillableCategory, number>;
    for (const category of BILLABLE_CATEGORIES) {
      const micros = usdToMicros(m.prices[category]);
      if (micros === undefined) {
        problems.push({ field: `${at}.prices.${category}`, detail: 'must be a decimal string in USD with at most 6 decimals' });
      } else if (micros < MIN_PRICE_MICROS || micros > MAX_PRICE_MICROS) {
        problems.push({ field: `${at}.prices.${category}`, detail: 'must lie between 0.005 and 0.09 USD, both included' });
      }
      pricesMicros[category] = micros ?? 0;
    }
    return { market: m.market, callingCodes: m.callingCodes, pricesMicros };
  });
  return problems.length > 0 ? { problems } : { markets };
}

/** The card in force at `at`: the latest effective_from not after it, the higher version on a tie. */
export function rateCardInForce(cards: readonly RateCard[], at: number): RateCard | undefined {
  let best: RateCard | undefined;
  for (const card of cards) {
    const from = ms(card.effectiveFrom);
    if (from > at) continue;
    if (!best || from > ms(best.effectiveFrom) || (from === ms(best.effectiveFrom) && card.version > best.version)) best = card;
  }
  return best;
}

/** The customer's market: the longest calling-code prefix of their number, else the rest-of-world market. */
export function marketOf(card: RateCard, waId: string): MarketRates | undefined {
  let best: MarketRates | undefined;
  let bestLength = 0;
  for (const market of card.markets) {
    for (const code of market.callingCodes) {
      if (code !== REST_OF_WORLD && code.length > bestLength && waId.startsWith(code)) {
        best = market;
        bestLength = code.length;
      }
    }
  }
  return best ?? card.markets.find((m) => m.callingCodes.includes(REST_OF_WORLD));
}
