import { type InvoiceEvent, monthOf, nextMonth, openInvoiceFrom } from '@ventana/domain';
import type { RecordedEvent } from '@ventana/event-store';
import type { SqlExecutor } from '../sql/sql-database';
import type { ChargeRow } from './charges.projection';

interface Charged {
  messageId: string;
  businessId: string;
  waId: string;
  market: string;
  category: string;
  pricingType: string;
  amountMicros: number;
  rateCardVersion: number | null;
  deliveredAt: string;
  invoiceMonth?: string;
}

interface Billed {
  /** The delivery month: a line of its own month's invoice, an adjustment on a later one. */
  forMonth: string;
  market: string;
  category: string;
  pricingType: string;
  messages: number;
  amountMicros: number;
}

async function finalizedFrom(tx: SqlExecutor, businessId: string, month: string): Promise<Set<string>> {
  const rows = await tx.all<{ month: string }>(`SELECT month FROM invoices WHERE business_id = ? AND month >= ? AND status = ?`, [
    businessId,
    month,
    'finalized',
  ]);
  return new Set(rows.map((r) => r.month));
}

/** Adds to an open invoice: a line for charges of its own month, an adjustment line for earlier ones. */
async function addToInvoice(tx: SqlExecutor, businessId: string, month: string, billed: Billed, position: number): Promise<void> {
  const key = [billed.market, billed.category, billed.pricingType];
  if (billed.forMonth === month) {
    await tx.run(
      `INSERT INTO invoice_lines (business_id, month, market, category, pricing_type, messages, amount_micros)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (business_id, month, market, category, pricing_type) DO UPDATE SET
         messages = invoice_lines.messages + excluded.messages, amount_micros = invoice_lines.amount_micros + excluded.amount_micros`,
      [businessId, month, ...key, billed.messages, billed.amountMicros],
    );
  } else {
    await tx.run(
      `INSERT INTO invoice_adjustments (business_id, month, for_month, market, category, pricing_type, messages, amount_micros)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (business_id, month, for_month, market, category, pricing_type) DO UPDATE SET
         messages = invoice_adjustments.messages + excluded.messages,
         amount_micros = invoice_adjustments.amount_micros + excluded.amount_micros`,
      [businessId, month, billed.forMonth, ...key, billed.messages, billed.amountMicros],
    );
  }
  // Events apply in log order, so the latest billing's position is the highest.
  await tx.run(
    `INSERT INTO invoices (business_id, month, status, charged_through) VALUES (?, ?, 'draft', ?)
     ON CONFLICT (business_id, month) DO UPDATE SET charged_through = excluded.charged_through`,
    [businessId, month, position],
  );
}

/**
 * A charge is billed on the invoice its event names (its delivery month, or the next open one
 * for a late charge), unless that invoice was finalized meanwhile: then on the next one still open.
 */
export async function billCharge(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
  const c = event.data as Charged;
  const forMonth = monthOf(c.deliveredAt);
  const decided = c.invoiceMonth ?? forMonth;
  const month = openInvoiceFrom(decided, await finalizedFrom(tx, c.businessId, decided));
  await tx.run(
    `INSERT INTO charges (message_id, business_id, wa_id, market, category, pricing_type, amount_micros, rate_card_version, charged_at,
       invoice_month, billed_position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [c.messageId, c.businessId, c.waId, c.market, c.category, c.pricingType, c.amountMicros, c.rateCardVersion, c.deliveredAt, month, event.position],
  );
  const billed = { forMonth, market: c.market, category: c.category, pricingType: c.pricingType, messages: 1, amountMicros: c.amountMicros };
  await addToInvoice(tx, c.businessId, month, billed, event.position);
}

/**
 * Freezes an invoice as its finalization recorded it. Charges billed on it after the draft was
 * read (a later `billed_position` than the frozen cut) are not in it: they move on to the next
 * open invoice as adjustments, so every charge is billed exactly once.
 */
export async function finalizeInvoice(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
  const f = (event as unknown as InvoiceEvent).data;
  const invoice = await tx.one<{ status: string; charged_through: number }>(
    `SELECT status, charged_through FROM invoices WHERE business_id = ? AND month = ?`,
    [f.businessId, f.month],
  );
  if (invoice?.status === 'finalized') return;
  const moved =
    invoice && invoice.charged_through > f.chargedThrough
      ? await tx.all<ChargeRow>(`SELECT * FROM charges WHERE business_id = ? AND invoice_month = ? AND billed_position > ?`, [
          f.businessId,
          f.month,
          f.chargedThrough,
        ])
      : [];

  await tx.run(`DELETE FROM invoice_lines WHERE business_id = ? AND month = ?`, [f.businessId, f.month]);
  await tx.run(`DELETE FROM invoice_adjustments WHERE business_id = ? AND month = ?`, [f.businessId, f.month]);
  for (const line of f.lines) await addToInvoice(tx, f.businessId, f.month, { ...line, forMonth: f.month }, f.chargedThrough);
  for (const line of f.adjustments) await addToInvoice(tx, f.businessId, f.month, line, f.chargedThrough);
  await tx.run(
    `INSERT INTO invoices (business_id, month, status, finalized_at, charged_through, total_micros, total_cents) VALUES (?, ?, 'finalized', ?, ?, ?, ?)
     ON CONFLICT (business_id, month) DO UPDATE SET status = excluded.status, finalized_at = excluded.finalized_at,
       charged_through = excluded.charged_through, total_micros = excluded.total_micros, total_cents = excluded.total_cents`,
    [f.businessId, f.month, f.at, f.chargedThrough, f.totalMicros, f.totalCents],
  );

  if (moved.length === 0) return;
  const next = nextMonth(f.month);
  const target = openInvoiceFrom(next, await finalizedFrom(tx, f.businessId, next));
  for (const c of moved) {
    await tx.run(`UPDATE charges SET invoice_month = ?, billed_position = ? WHERE message_id = ?`, [target, event.position, c.message_id]);
    const billed = { forMonth: monthOf(c.charged_at), market: c.market, category: c.category, pricingType: c.pricing_type, messages: 1, amountMicros: c.amount_micros };
    await addToInvoice(tx, f.businessId, target, billed, event.position);
  }
}
