import { type AdjustmentLine, type InvoiceLine, invoiceFrom } from '../pricing/invoice';
import { iso } from '../shared/time';
import { graceEndsAt } from './billing-month';

/**
 * A business's monthly invoice, one stream per (business, month): a draft while charges may
 * still land in it, finalized once its grace period has passed. The finalized event carries the
 * frozen lines and totals, so the store itself says what was billed; nothing changes it after.
 */
export interface InvoiceDraft {
  businessId: string;
  month: string;
  lines: InvoiceLine[];
  adjustments: AdjustmentLine[];
  /**
   * The log position of the last billing the draft counts. Anything billed on the invoice after it
   * (recorded while the draft was being read) is not in the frozen lines: it moves, as an
   * adjustment, to the next invoice still open.
   */
  chargedThrough: number;
}

export type InvoiceEvent = {
  type: 'InvoiceFinalized';
  data: InvoiceDraft & { at: string; graceEndedAt: string; totalMicros: number; totalCents: number; currency: 'USD' };
};

export type InvoiceStatus = 'draft' | 'finalized';

export interface InvoiceState {
  status: InvoiceStatus;
  finalizedAt: string | null;
}

export const initialInvoice = (): InvoiceState => ({ status: 'draft', finalizedAt: null });

export function evolveInvoice(state: InvoiceState, event: InvoiceEvent): InvoiceState {
  switch (event.type) {
    case 'InvoiceFinalized':
      // Finalized once: a second finalization (never decided, but replayed) changes nothing.
      return state.status === 'finalized' ? state : { status: 'finalized', finalizedAt: event.data.at };
  }
}

export const foldInvoice = (events: readonly InvoiceEvent[]): InvoiceState => events.reduce(evolveInvoice, initialInvoice());

/** Finalizes a draft whose grace period has ended, freezing its lines and totals; otherwise decides nothing. */
export function finalize(state: InvoiceState, draft: InvoiceDraft, now: number, graceMs: number): InvoiceEvent[] {
  const graceEnd = graceEndsAt(draft.month, graceMs);
  if (state.status === 'finalized' || now < graceEnd) return [];
  const invoice = invoiceFrom(draft.month, draft.lines, draft.adjustments);
  return [
    {
      type: 'InvoiceFinalized',
      data: {
        businessId: draft.businessId,
        month: draft.month,
        at: iso(now),
        graceEndedAt: iso(graceEnd),
        lines: invoice.lines,
        adjustments: invoice.adjustments,
        totalMicros: invoice.totalMicros,
        totalCents: invoice.totalCents,
        currency: 'USD',
        chargedThrough: draft.chargedThrough,
      },
    },
  ];
}
