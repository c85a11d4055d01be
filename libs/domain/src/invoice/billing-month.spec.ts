import { DAY, HOUR } from '../shared/time';
import { firstMonthInGrace, graceEndsAt, invoiceMonthOf, monthStart, nextMonth, openInvoiceFrom } from './billing-month';

const at = (isoTime: string) => Date.parse(isoTime);
const GRACE = 3 * DAY;

describe('billing months', () => {
  it('a month starts at its first instant, UTC, and is followed by the next (December by January)', () => {
    expect(monthStart('2026-03')).toBe(at('2026-03-01T00:00:00.000Z'));
    expect(['2026-01', '2026-09', '2026-12'].map(nextMonth)).toEqual(['2026-02', '2026-10', '2027-01']);
  });

  it("a month's grace period ends that long after the month ends (February of a leap year included)", () => {
    expect(graceEndsAt('2028-02', GRACE)).toBe(at('2028-03-04T00:00:00.000Z'));
    expect(graceEndsAt('2026-12', 0)).toBe(at('2027-01-01T00:00:00.000Z'));
  });

  it('the months before the one still in its grace period are due', () => {
    expect(firstMonthInGrace(at('2026-04-03T23:59:59.999Z'), GRACE)).toBe('2026-03');
    expect(firstMonthInGrace(at('2026-04-04T00:00:00.000Z'), GRACE)).toBe('2026-04');
  });
});

describe('which invoice bills a charge', () => {
  const delivered = '2026-03-31T23:59:59.000Z';

  it('the month of its delivery, when it is recorded within that month', () => {
    expect(invoiceMonthOf(delivered, at(delivered) + 500, GRACE)).toBe('2026-03');
  });

  it('still the month of its delivery when recorded inside the grace period', () => {
    expect(invoiceMonthOf(delivered, at('2026-04-03T23:59:59.999Z'), GRACE)).toBe('2026-03');
  });

  it('recorded once the grace period has ended, the next month: a late charge, billed as an adjustment', () => {
    expect(invoiceMonthOf(delivered, at('2026-04-04T00:00:00.000Z'), GRACE)).toBe('2026-04');
    expect(invoiceMonthOf(delivered, at('2026-04-04T00:00:00.000Z'), 0)).toBe('2026-04');
  });

  it('recorded later still, the first month whose grace period has not ended yet', () => {
    expect(invoiceMonthOf(delivered, at('2026-05-03T12:00:00.000Z'), GRACE)).toBe('2026-04');
    expect(invoiceMonthOf(delivered, at('2026-05-04T00:00:00.000Z'), GRACE)).toBe('2026-05');
    expect(invoiceMonthOf(delivered, at('2026-07-20T00:00:00.000Z'), 12 * HOUR)).toBe('2026-07');
  });

  it('a finalized invoice takes no charge: the next one still open does', () => {
    expect(openInvoiceFrom('2026-03', new Set())).toBe('2026-03');
    expect(openInvoiceFrom('2026-03', new Set(['2026-03']))).toBe('2026-04');
    expect(openInvoiceFrom('2026-11', new Set(['2026-11', '2026-12', '2027-02']))).toBe('2027-01');
  });
});
