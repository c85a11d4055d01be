import { microsToCentsHalfUp } from '../shared/money';
import type { PricingCategory, PricingType } from './pricing-type';

export interface InvoiceLine {
  market: string;
  category: PricingCategory;
  pricingType: PricingType;
  messages: number;
  amountMicros: number;
}

export interface Invoice {
  month: string;
  lines: InvoiceLine[];
  totalMicros: number;
  totalCents: number;
}

/** A charge belongs to the UTC month of its delivery time: "2026-11". */
export const monthOf = (isoTime: string): string => isoTime.slice(0, 7);

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Lines stay in exact micros; the total is their exact sum, rounded half-up to cents once. */
export function invoiceFrom(month: string, lines: readonly InvoiceLine[]): Invoice {
  const sorted = [...lines].sort(
    (a, b) => a.market.localeCompare(b.market) || a.category.localeCompare(b.category) || a.pricingType.localeCompare(b.pricingType),
  );
  const totalMicros = sorted.reduce((sum, line) => sum + line.amountMicros, 0);
  return { month, lines: sorted, totalMicros, totalCents: microsToCentsHalfUp(totalMicros) };
}
