import type { ChargeRow, InvoiceLineRow, SqlDatabase, SqlExecutor } from '@ventana/projections';
import type { Cut } from '../replay/cut';
import type { LiveCheckpoint } from '../replay/live-checkpoint';
import type { Period } from '../period';

/** The charges projection's rows for a period and the cut of the log they hold, read from one snapshot. */
export interface BillingReadModels {
  /** Charges delivered in the period. */
  charges: ChargeRow[];
  /** Charges billed on the period's invoices (a late charge is billed on a later month's). */
  billed: ChargeRow[];
  /** The period's invoice lines, and adjustment lines (`for_month`: the earlier month of the late charges they bill). */
  invoiceLines: (InvoiceLineRow & { for_month: string })[];
  cut: Cut;
}

export async function readBillingReadModels(db: SqlDatabase, checkpoint: LiveCheckpoint, period: Period): Promise<BillingReadModels> {
  const { start, end } = period.bounds();
  return snapshot(db, async (tx) => {
    const charges = await tx.all<ChargeRow>(`SELECT * FROM charges WHERE charged_at >= ? AND charged_at < ? ORDER BY charged_at, message_id`, [start, end]);
    const [first, last] = [start.slice(0, 7), end === '9999' ? '9999' : period.to!];
    const billed = await tx.all<ChargeRow>(`SELECT * FROM charges WHERE invoice_month >= ? AND invoice_month <= ?`, [first, last]);
    const lines = await tx.all<InvoiceLineRow & { for_month: string }>(
      `SELECT business_id, month, month AS for_month, market, category, pricing_type, messages, amount_micros FROM invoice_lines WHERE month >= ? AND month <= ?
       UNION ALL
       SELECT business_id, month, for_month, market, category, pricing_type, messages, amount_micros FROM invoice_adjustments WHERE month >= ? AND month <= ?`,
      [first, last, first, last],
    );
    return { charges, billed, invoiceLines: lines, cut: await checkpoint.read(tx, 'charges') };
  });
}

/**
 * Reads that see one state of the database. SQLite: a transaction (it holds the write lock, so the
 * projector waits the few milliseconds the reads take). PostgreSQL: a repeatable-read transaction,
 * which blocks nobody.
 */
async function snapshot<T>(db: SqlDatabase, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return work(tx);
  });
}
