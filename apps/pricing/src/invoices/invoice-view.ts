import { type Invoice, graceEndsAt, invoiceFrom } from '@ventana/domain';
import type { InvoiceRecord } from '@ventana/projections';

const lineView = (l: Invoice['lines'][number]) => ({
  market: l.market,
  category: l.category,
  pricing_type: l.pricingType,
  messages: l.messages,
  amount_micros: l.amountMicros,
});

/**
 * The invoice resource: api.md's fields, then (once anything was billed for the month) its
 * lifecycle and the adjustment lines carried onto it. `total_micros` counts both kinds of line.
 * A month with nothing billed has no invoice: it answers the empty api.md shape alone.
 */
export function invoiceView(month: string, record: InvoiceRecord | undefined, graceMs: number) {
  const invoice = record ?? invoiceFrom(month, []);
  const body = {
    month,
    lines: invoice.lines.map(lineView),
    total_micros: invoice.totalMicros,
    total_cents: invoice.totalCents,
    currency: 'USD' as const,
  };
  if (!record) return body;
  return {
    ...body,
    status: record.status,
    finalized_at: record.finalizedAt,
    grace_ends_at: new Date(graceEndsAt(month, graceMs)).toISOString(),
    adjustments: record.adjustments.map((a) => ({ for_month: a.forMonth, ...lineView(a) })),
  };
}
