import { type Quote, monthOf, ms, quote } from '@ventana/domain';
import type { ChargeRow } from '@ventana/projections';
import type { Period } from '../period';
import { type BillingLog, type Charged, cardsBefore } from './billing-log';
import type { BillingReadModels } from './billing-read-models';

/** One thing that does not agree, said so that finance can find it. */
export interface Difference {
  kind:
    | 'charge_missing_from_projection'
    | 'charge_not_in_log'
    | 'charge_differs'
    | 'charged_twice'
    | 'invoice_line_differs'
    | 'charge_without_delivery'
    | 'charge_not_at_delivery'
    | 'charge_without_price'
    | 'charge_differs_from_price'
    | 'price_not_from_rate_card';
  /** The message, or the invoice line's key. */
  subject: string;
  detail: string;
}

export interface Reconciliation {
  period: string;
  /** Charge events of the period, and their total. */
  log: { charges: number; total_micros: number };
  /** Charge events the projection's checkpoint had not reached yet (compared once it has). */
  not_yet_projected: number;
  projection: { charges: number; total_micros: number };
  /** The period's invoices: lines and adjustment lines. */
  invoice_lines: { lines: number; messages: number; total_micros: number };
  differences: Difference[];
}

type LineKey = string;
const lineKey = (l: { business_id: string; month: string; market: string; category: string; pricing_type: string }): LineKey =>
  `invoice ${l.business_id}/${l.month} line ${l.market}/${l.category}/${l.pricing_type}`;

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/**
 * Proves a period's billing three ways and traces every charge: the charge events (the truth) against
 * the charges projection message by message and field by field, the projection's charges against its
 * invoice lines, and each charge back to its message's delivery and to the price the rate card then
 * in force gives (recomputed with the domain's quote).
 */
export function reconcile(period: Period, log: BillingLog, readModels: BillingReadModels): Reconciliation {
  const differences: Difference[] = [];
  const inPeriod = log.charges.filter((c) => period.includes(c.data.deliveredAt));
  const projected = inPeriod.filter((c) => readModels.cut.includes(c.event));
  const rows = new Map(readModels.charges.map((row) => [row.message_id, row]));

  const seen = new Map<string, Charged>();
  for (const { data } of projected) {
    if (seen.has(data.messageId)) {
      differences.push({ kind: 'charged_twice', subject: data.messageId, detail: `the log holds more than one MessageCharged for message ${data.messageId}` });
      continue;
    }
    seen.set(data.messageId, data);
    const row = rows.get(data.messageId);
    if (!row) differences.push({ kind: 'charge_missing_from_projection', subject: data.messageId, detail: `charged ${data.amountMicros} micros in the log, no row in charges` });
    else for (const d of fieldDifferences(data, row)) differences.push({ kind: 'charge_differs', subject: data.messageId, detail: d });
  }
  const later = new Set(inPeriod.filter((c) => !readModels.cut.includes(c.event)).map((c) => c.data.messageId));
  for (const row of readModels.charges) {
    if (!seen.has(row.message_id) && !later.has(row.message_id))
      differences.push({ kind: 'charge_not_in_log', subject: row.message_id, detail: `row in charges (${row.amount_micros} micros) with no MessageCharged in the log` });
  }

  differences.push(...invoiceDifferences(readModels.billed, readModels.invoiceLines));
  for (const { data } of inPeriod) differences.push(...traceDifferences(log, data));

  return {
    period: period.toString(),
    log: { charges: inPeriod.length, total_micros: sum(inPeriod.map((c) => c.data.amountMicros)) },
    not_yet_projected: later.size,
    projection: { charges: readModels.charges.length, total_micros: sum(readModels.charges.map((c) => c.amount_micros)) },
    invoice_lines: {
      lines: readModels.invoiceLines.length,
      messages: sum(readModels.invoiceLines.map((l) => l.messages)),
      total_micros: sum(readModels.invoiceLines.map((l) => l.amount_micros)),
    },
    differences,
  };
}

function fieldDifferences(c: Charged, row: ChargeRow): string[] {
  const expected: Partial<Record<keyof ChargeRow, unknown>> = {
    business_id: c.businessId,
    wa_id: c.waId,
    market: c.market,
    category: c.category,
    pricing_type: c.pricingType,
    amount_micros: c.amountMicros,
    rate_card_version: c.rateCardVersion,
    charged_at: c.deliveredAt,
  };
  return Object.entries(expected)
    .filter(([field, value]) => row[field as keyof ChargeRow] !== value)
    .map(([field, value]) => `${field} is ${JSON.stringify(value)} in the log, ${JSON.stringify(row[field as keyof ChargeRow])} in the charges projection`);
}

/**
 * Every invoice line (and adjustment line) is the exact sum of the charges billed on it, and no
 * line is without them: per business, invoice month, delivery month, market, category, pricing type.
 */
function invoiceDifferences(billed: readonly ChargeRow[], lines: BillingReadModels['invoiceLines']): Difference[] {
  type Sum = { messages: number; amount: number };
  const add = (into: Map<LineKey, Sum>, key: LineKey, messages: number, amount: number) => {
    const line = into.get(key) ?? { messages: 0, amount: 0 };
    into.set(key, { messages: line.messages + messages, amount: line.amount + amount });
  };
  const fromCharges = new Map<LineKey, Sum>();
  for (const c of billed) add(fromCharges, `${lineKey({ ...c, month: c.invoice_month })} for ${monthOf(c.charged_at)}`, 1, c.amount_micros);
  const onInvoices = new Map<LineKey, Sum>();
  for (const l of lines) add(onInvoices, `${lineKey(l)} for ${l.for_month}`, l.messages, l.amount_micros);
  const differences: Difference[] = [];
  for (const key of new Set([...fromCharges.keys(), ...onInvoices.keys()])) {
    const expected = fromCharges.get(key) ?? { messages: 0, amount: 0 };
    const actual = onInvoices.get(key) ?? { messages: 0, amount: 0 };
    if (expected.messages !== actual.messages || expected.amount !== actual.amount)
      differences.push({
        kind: 'invoice_line_differs',
        subject: key,
        detail: `the charges billed on it sum to ${expected.messages} messages, ${expected.amount} micros; the invoice says ${actual.messages} messages, ${actual.amount} micros`,
      });
  }
  return differences;
}

/** The charge follows from its message: delivered at the time it is dated, and priced as the card then in force says. */
function traceDifferences(log: BillingLog, c: Charged): Difference[] {
  const message = log.messages.get(c.messageId);
  const subject = c.messageId;
  if (!message?.deliveredAt) return [{ kind: 'charge_without_delivery', subject, detail: 'charged, but the message has no MessageDelivered in the log' }];
  const out: Difference[] = [];
  if (message.deliveredAt !== c.deliveredAt)
    out.push({ kind: 'charge_not_at_delivery', subject, detail: `charged as delivered at ${c.deliveredAt}, delivered at ${message.deliveredAt}` });
  const priced = message.priced;
  if (!priced) return [...out, { kind: 'charge_without_price', subject, detail: 'charged, but the message has no MessagePriced in the log' }];
  const charged: Quote & { category: string; pricingType: string } = c;
  for (const field of ['market', 'amountMicros', 'rateCardVersion', 'category', 'pricingType'] as const) {
    if (charged[field] !== priced[field])
      out.push({ kind: 'charge_differs_from_price', subject, detail: `${field} is ${JSON.stringify(charged[field])} charged, ${JSON.stringify(priced[field])} priced` });
  }
  const accepted = log.accepted.get(c.messageId);
  if (accepted) {
    const pricing = { category: accepted.data.category, type: accepted.data.pricingType, billable: accepted.data.billable };
    const expected = quote(cardsBefore(log, accepted.position), accepted.data.waId, pricing, ms(accepted.data.at));
    const actual: Quote = { market: priced.market, amountMicros: priced.amountMicros, rateCardVersion: priced.rateCardVersion };
    if (expected.market !== actual.market || expected.amountMicros !== actual.amountMicros || expected.rateCardVersion !== actual.rateCardVersion)
      out.push({
        kind: 'price_not_from_rate_card',
        subject,
        detail: `priced ${actual.amountMicros} micros (${actual.market}, card v${actual.rateCardVersion}); the card in force at acceptance gives ${expected.amountMicros} micros (${expected.market}, card v${expected.rateCardVersion})`,
      });
  }
  return out;
}
