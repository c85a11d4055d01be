import { type RateCard, ms, quote } from '@ventana/domain';
import type { Period } from '../period';
import type { BillingLog } from '../reconcile/billing-log';

/** One business's messages of one market and category: what they cost, and what they would have cost. */
export interface RepricedLine {
  business_id: string;
  market: string;
  category: string;
  messages: number;
  current_micros: number;
  repriced_micros: number;
  difference_micros: number;
}

export interface Repricing {
  period: string;
  card: { version: number | null; markets: string[] };
  lines: RepricedLine[];
  total: { messages: number; current_micros: number; repriced_micros: number; difference_micros: number };
}

const ALWAYS = '1970-01-01T00:00:00.000Z';

/**
 * What-if repricing: every billable message delivered in the period (as the domain folds its
 * events), priced again with `card` as if it had been in force when the message was accepted,
 * beside what it was charged. Lines are keyed by the market the message was charged in, so the
 * current column is the invoices'. Pure: it reads the log already read and writes nothing.
 */
export function reprice(log: BillingLog, period: Period, card: RateCard): Repricing {
  const inForce: RateCard = { ...card, effectiveFrom: ALWAYS };
  const charged = new Map(log.charges.map((c) => [c.data.messageId, c.data.amountMicros]));
  const lines = new Map<string, RepricedLine>();
  for (const [messageId, message] of log.messages) {
    const accepted = log.accepted.get(messageId);
    if (!message.deliveredAt || !message.priced?.billable || !accepted || !period.includes(message.deliveredAt)) continue;
    const { data } = accepted;
    const again = quote([inForce], data.waId, { category: data.category, type: data.pricingType, billable: data.billable }, ms(data.at));
    const current = charged.get(messageId) ?? 0;
    const key = `${data.businessId}/${message.priced.market}/${data.category}`;
    const line = lines.get(key) ?? {
      business_id: data.businessId,
      market: message.priced.market,
      category: data.category,
      messages: 0,
      current_micros: 0,
      repriced_micros: 0,
      difference_micros: 0,
    };
    line.messages++;
    line.current_micros += current;
    line.repriced_micros += again.amountMicros;
    line.difference_micros = line.repriced_micros - line.current_micros;
    lines.set(key, line);
  }
  const sorted = [...lines.values()].sort(
    (a, b) => a.business_id.localeCompare(b.business_id) || a.market.localeCompare(b.market) || a.category.localeCompare(b.category),
  );
  const total = sorted.reduce(
    (t, l) => ({
      messages: t.messages + l.messages,
      current_micros: t.current_micros + l.current_micros,
      repriced_micros: t.repriced_micros + l.repriced_micros,
      difference_micros: t.difference_micros + l.difference_micros,
    }),
    { messages: 0, current_micros: 0, repriced_micros: 0, difference_micros: 0 },
  );
  return { period: period.toString(), card: { version: card.version || null, markets: card.markets.map((m) => m.market) }, lines: sorted, total };
}
