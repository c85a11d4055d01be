import {
  type AdjustmentLine,
  type Invoice,
  type InvoiceDraft,
  type InvoiceLine,
  type InvoiceStatus,
  type PricingCategory,
  type PricingType,
  invoiceFrom,
} from '@ventana/domain';
import type { SqlExecutor } from '../sql/sql-database';

/** A business's invoice for a month as the read models hold it: its lines, adjustments, totals and lifecycle. */
export interface InvoiceRecord extends Invoice {
  businessId: string;
  status: InvoiceStatus;
  finalizedAt: string | null;
  chargedThrough: number;
}

interface Part {
  kind: 'invoice' | 'line' | 'adjustment';
  status: InvoiceStatus | null;
  finalized_at: string | null;
  charged_through: number | null;
  for_month: string | null;
  market: string | null;
  category: string | null;
  pricing_type: string | null;
  messages: number | null;
  amount_micros: number | null;
}

/*
 * One statement, so one snapshot on either engine (PostgreSQL's READ COMMITTED gives each
 * statement its own): a finalization cuts at `charged_through`, and the lines it freezes must be
 * exactly those billed up to it.
 */
const INVOICE_PARTS = `
  SELECT 'invoice' AS kind, status, finalized_at, charged_through, NULL AS for_month, NULL AS market, NULL AS category,
         NULL AS pricing_type, NULL AS messages, NULL AS amount_micros
    FROM invoices WHERE business_id = ? AND month = ?
  UNION ALL
  SELECT 'line', NULL, NULL, NULL, NULL, market, category, pricing_type, messages, amount_micros
    FROM invoice_lines WHERE business_id = ? AND month = ?
  UNION ALL
  SELECT 'adjustment', NULL, NULL, NULL, for_month, market, category, pricing_type, messages, amount_micros
    FROM invoice_adjustments WHERE business_id = ? AND month = ?`;

const lineOf = (p: Part): InvoiceLine => ({
  market: p.market!,
  category: p.category as PricingCategory,
  pricingType: p.pricing_type as PricingType,
  messages: p.messages!,
  amountMicros: p.amount_micros!,
});

/** Undefined when nothing was ever billed to the business for that month: there is no invoice. */
export async function readInvoice(db: SqlExecutor, businessId: string, month: string): Promise<InvoiceRecord | undefined> {
  const parts = await db.all<Part>(INVOICE_PARTS, [businessId, month, businessId, month, businessId, month]);
  const head = parts.find((p) => p.kind === 'invoice');
  if (!head) return undefined;
  const lines = parts.filter((p) => p.kind === 'line').map(lineOf);
  const adjustments: AdjustmentLine[] = parts.filter((p) => p.kind === 'adjustment').map((p) => ({ ...lineOf(p), forMonth: p.for_month! }));
  return {
    ...invoiceFrom(month, lines, adjustments),
    businessId,
    status: head.status!,
    finalizedAt: head.finalized_at,
    chargedThrough: head.charged_through!,
  };
}

/** What a finalization of the invoice would freeze now. */
export async function readDraft(db: SqlExecutor, businessId: string, month: string): Promise<InvoiceDraft | undefined> {
  const invoice = await readInvoice(db, businessId, month);
  if (!invoice || invoice.status !== 'draft') return undefined;
  return { businessId, month, lines: invoice.lines, adjustments: invoice.adjustments, chargedThrough: invoice.chargedThrough };
}

/** Drafts of months before `beforeMonth`, oldest first: those whose grace period has ended. */
export function draftsBefore(db: SqlExecutor, beforeMonth: string, limit: number): Promise<{ business_id: string; month: string }[]> {
  return db.all(`SELECT business_id, month FROM invoices WHERE status = ? AND month < ? ORDER BY month, business_id LIMIT ?`, ['draft', beforeMonth, limit]);
}
