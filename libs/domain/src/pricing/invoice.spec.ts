import { invoiceFrom, monthOf, type InvoiceLine } from './invoice';

const line = (market: string, category: InvoiceLine['category'], amountMicros: number, messages = 1): InvoiceLine => ({
  market,
  category,
  pricingType: 'regular',
  messages,
  amountMicros,
});

describe('money on invoices', () => {
  it('the total is the exact sum of the lines in micros, which stay in micros', () => {
    const invoice = invoiceFrom('2026-03', [line('IN', 'marketing', 10_700 * 3, 3), line('ROW', 'utility', 8_000), line('IN', 'authentication', 5_001)]);
    expect(invoice.totalMicros).toBe(32_100 + 8_000 + 5_001);
    expect(invoice.lines.map((l) => l.amountMicros)).toEqual([5_001, 32_100, 8_000]);
  });

  it('lines are ordered by market, category, pricing type', () => {
    const invoice = invoiceFrom('2026-03', [line('ROW', 'utility', 1), line('IN', 'utility', 1), line('IN', 'marketing', 1)]);
    expect(invoice.lines.map((l) => `${l.market}/${l.category}`)).toEqual(['IN/marketing', 'IN/utility', 'ROW/utility']);
  });

  it.each([
    [0, 0],
    [4_999, 0],
    [5_000, 1],
    [14_999, 1],
    [15_000, 2],
    [10_700, 1],
    [1_234_567, 123],
    [1_235_000, 124],
  ])('%i micros round half-up to %i cents, once, on the total', (micros, cents) => {
    expect(invoiceFrom('2026-03', [line('IN', 'marketing', micros)])).toMatchObject({ totalMicros: micros, totalCents: cents });
  });

  it('rounds the total once, not each line', () => {
    // three lines of 4,000 micros: 0 cents each if rounded per line, 12,000 micros = 1 cent in total
    expect(invoiceFrom('2026-03', [line('A', 'marketing', 4_000), line('B', 'marketing', 4_000), line('C', 'marketing', 4_000)]).totalCents).toBe(1);
  });

  it('an empty month totals 0', () => {
    expect(invoiceFrom('2026-03', [])).toEqual({ month: '2026-03', lines: [], adjustments: [], totalMicros: 0, totalCents: 0 });
  });

  it('a charge belongs to the UTC month of its delivery time', () => {
    expect(monthOf('2026-03-31T23:59:59.999Z')).toBe('2026-03');
    expect(monthOf('2026-04-01T00:00:00.000Z')).toBe('2026-04');
  });
});
