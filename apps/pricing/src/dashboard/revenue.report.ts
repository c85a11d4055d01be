import { type Period, daysOf } from './period';

/** One group of the charges table: a UTC day and a market. */
export interface DayMarketRevenue {
  day: string;
  market: string;
  messages: number;
  amount_micros: number;
}

/**
 * Revenue of a period per day (every day present, zero when nothing was charged, each split by
 * market) and per market (highest first). Sums are exact: integer micros added, never divided.
 */
export function revenueReport(period: Period, rows: readonly DayMarketRevenue[]) {
  const days = new Map(daysOf(period).map((day) => [day, { day, messages: 0, amount_micros: 0, markets: {} as Record<string, number> }]));
  const markets = new Map<string, { market: string; messages: number; amount_micros: number }>();
  for (const row of rows) {
    const day = days.get(row.day);
    if (day) {
      day.messages += row.messages;
      day.amount_micros += row.amount_micros;
      day.markets[row.market] = (day.markets[row.market] ?? 0) + row.amount_micros;
    }
    const market = markets.get(row.market) ?? { market: row.market, messages: 0, amount_micros: 0 };
    market.messages += row.messages;
    market.amount_micros += row.amount_micros;
    markets.set(row.market, market);
  }
  const byMarket = [...markets.values()].sort((a, b) => b.amount_micros - a.amount_micros || (a.market < b.market ? -1 : 1));
  return {
    from: period.from,
    to: period.to,
    currency: 'USD',
    messages: byMarket.reduce((sum, m) => sum + m.messages, 0),
    total_micros: byMarket.reduce((sum, m) => sum + m.amount_micros, 0),
    markets: byMarket,
    days: [...days.values()],
  };
}
