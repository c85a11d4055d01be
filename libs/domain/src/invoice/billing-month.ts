import { monthOf } from '../pricing/invoice';
import { iso } from '../shared/time';

/** Billing months are UTC calendar months written "yyyy-mm"; they sort as text. */
const parts = (month: string): [number, number] => [Number(month.slice(0, 4)), Number(month.slice(5, 7))];

/** The first instant of a month, epoch ms. */
export const monthStart = (month: string): number => {
  const [year, mm] = parts(month);
  return Date.UTC(year, mm - 1, 1);
};

export const nextMonth = (month: string): string => {
  const [year, mm] = parts(month);
  return monthOf(iso(Date.UTC(year, mm, 1)));
};

/** When a month's invoice may be finalized: its end plus the grace period in which its late-reported deliveries still count. */
export const graceEndsAt = (month: string, graceMs: number): number => monthStart(nextMonth(month)) + graceMs;

/** At `now`, every month before this one is past its grace period: its draft is due for finalization. */
export const firstMonthInGrace = (now: number, graceMs: number): string => monthOf(iso(now - graceMs));

/**
 * The month whose invoice bills a charge. A charge belongs to the month of its delivery; recorded
 * within that month or its grace period, it is billed there. Recorded later (the charge was held
 * up past the grace period), it is a late charge: an adjustment on the first later invoice still
 * open when it was recorded, never a change to a month that closed without it.
 */
export function invoiceMonthOf(deliveredAt: string, recordedAt: number, graceMs: number): string {
  let month = monthOf(deliveredAt);
  while (graceEndsAt(month, graceMs) <= recordedAt) month = nextMonth(month);
  return month;
}

/** The first invoice from `month` on that is not finalized: a finalized invoice never takes another charge. */
export function openInvoiceFrom(month: string, finalized: ReadonlySet<string>): string {
  let open = month;
  while (finalized.has(open)) open = nextMonth(open);
  return open;
}
