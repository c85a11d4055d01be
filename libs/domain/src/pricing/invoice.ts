import { microsToCentsHalfUp } from '../shared/money';
import type { PricingCategory, PricingType } from './pricing-type';

export interface InvoiceLine {
  market: string;
  category: PricingCategory;
  pricingType: PricingType;
  messages: number;
  amountMicros: number;
}

/** Late charges of an earlier month (`forMonth`, their delivery month), billed on a later invoice. */
export interface AdjustmentLine extends InvoiceLine {
  forMonth: string;
}

export interface Invoice {
  month: string;
  lines: InvoiceLine[];
  adjustments: AdjustmentLine[];
  totalMicros: number;
  totalCents: number;
}

/** A charge belongs to the UTC month of its delivery time: "2026-11". */
export const monthOf = (isoTime: string): string => isoTime.slice(0, 7);

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const byKey = (a: InvoiceLine, b: InvoiceLine) =>
  a.market.localeCompare(b.market) || a.category.localeCompare(b.category) || a.pricingType.localeCompare(b.pricingType);

/**
 * Lines stay in exact micros; the total is the exact sum of the lines and adjustment lines,
 * rounded half-up to cents once.
 */
export function invoiceFrom(month: string, lines: readonly InvoiceLine[], adjustments: readonly AdjustmentLine[] = []): Invoice {
  const sorted = [...lines].sort(byKey);
  const sortedAdjustments = [...adjustments].sort((a, b) => a.forMonth.localeCompare(b.forMonth) || byKey(a, b));
  const totalMicros = [...sorted, ...sortedAdjustments].reduce((sum, line) => sum + line.amountMicros, 0);
  return { month, lines: sorted, adjustments: sortedAdjustments, totalMicros, totalCents: microsToCentsHalfUp(totalMicros) };
}
