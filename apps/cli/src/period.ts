import { monthOf } from '@ventana/domain';

/**
 * A run of whole UTC months, both ends included (either end open): the unit of billing, since a
 * charge belongs to the month of its delivery and an invoice is one month's lines.
 */
export class Period {
  constructor(
    readonly from?: string,
    readonly to?: string,
  ) {
    if (from && to && from > to) throw new Error(`the period ends (${to}) before it starts (${from})`);
  }

  includesMonth(month: string): boolean {
    return (!this.from || month >= this.from) && (!this.to || month <= this.to);
  }

  /** Whether an ISO time falls in the period. */
  includes(isoTime: string): boolean {
    return this.includesMonth(monthOf(isoTime));
  }

  /** [start, end) as ISO times, for queries on `charged_at`. */
  bounds(): { start: string; end: string } {
    const start = this.from ? `${this.from}-01T00:00:00.000Z` : '0000';
    if (!this.to) return { start, end: '9999' };
    const [year, month] = this.to.split('-').map(Number);
    return { start, end: new Date(Date.UTC(year, month, 1)).toISOString() };
  }

  toString(): string {
    return this.from || this.to ? `${this.from ?? 'the start'} to ${this.to ?? 'now'}` : 'every month';
  }
}
