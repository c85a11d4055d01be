import type { AdjustmentLine, InvoiceLine } from '../pricing/invoice';
import { HOUR } from '../shared/time';
import { givenInvoice } from '../testing/given-invoice';
import { type InvoiceDraft, finalize, foldInvoice } from './invoice-lifecycle';

const GRACE = 72 * HOUR;
/** March 2026 ends at April 1st, 00:00 UTC; its grace period three days later. */
const MARCH_GRACE_END = Date.parse('2026-04-04T00:00:00.000Z');

const line = (market: string, category: InvoiceLine['category'], messages: number, amountMicros: number): InvoiceLine => ({
  market,
  category,
  pricingType: 'regular',
  messages,
  amountMicros,
});
const adjustment = (forMonth: string, market: string, amountMicros: number): AdjustmentLine => ({ ...line(market, 'marketing', 1, amountMicros), forMonth });

const draft = (overrides: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
  businessId: 'biz-1',
  month: '2026-03',
  lines: [line('IN', 'utility', 1, 5_000), line('GB', 'marketing', 2, 105_800)],
  adjustments: [adjustment('2026-02', 'IN', 10_700)],
  chargedThrough: 412,
  ...overrides,
});

describe('the invoice lifecycle: draft during the month and its grace period, then finalized, then immutable', () => {
  it('stays a draft until its grace period past the month end has passed', () => {
    givenInvoice()
      .when((s) => finalize(s, draft(), MARCH_GRACE_END - 1, GRACE))
      .then([]);
    givenInvoice()
      .when((s) => finalize(s, draft(), Date.parse('2026-04-01T00:00:00.000Z'), GRACE))
      .then([]);
  });

  it('is finalized once the grace period has ended, freezing its lines, adjustments and totals', () => {
    const at = MARCH_GRACE_END + 5_000;
    givenInvoice()
      .when((s) => finalize(s, draft(), at, GRACE))
      .then([
        {
          type: 'InvoiceFinalized',
          data: {
            businessId: 'biz-1',
            month: '2026-03',
            at: new Date(at).toISOString(),
            graceEndedAt: '2026-04-04T00:00:00.000Z',
            // Ordered by market, category, pricing type; adjustments by the month they correct.
            lines: [line('GB', 'marketing', 2, 105_800), line('IN', 'utility', 1, 5_000)],
            adjustments: [adjustment('2026-02', 'IN', 10_700)],
            // 121,500 micros = 12.15 cents: half-up once on the total, adjustments included.
            totalMicros: 121_500,
            totalCents: 12,
            currency: 'USD',
            chargedThrough: 412,
          },
        },
      ]);
  });

  it('with no grace period, is finalized as the month ends', () => {
    const monthEnd = Date.parse('2026-04-01T00:00:00.000Z');
    givenInvoice()
      .when((s) => finalize(s, draft(), monthEnd - 1, 0))
      .then([]);
    givenInvoice()
      .when((s) => finalize(s, draft(), monthEnd, 0))
      .then([{ type: 'InvoiceFinalized', data: { graceEndedAt: '2026-04-01T00:00:00.000Z' } }]);
  });

  it('a finalized invoice is never finalized again, whatever the draft now says', () => {
    const [finalized] = finalize(foldInvoice([]), draft(), MARCH_GRACE_END, GRACE);
    expect(foldInvoice([finalized])).toEqual({ status: 'finalized', finalizedAt: '2026-04-04T00:00:00.000Z' });
    givenInvoice(finalized)
      .when((s) => finalize(s, draft({ lines: [line('IN', 'utility', 9, 45_000)] }), MARCH_GRACE_END + 30 * 24 * HOUR, GRACE))
      .then([]);
  });

  it('a replayed second finalization changes nothing: the first one stands', () => {
    const [first] = finalize(foldInvoice([]), draft(), MARCH_GRACE_END, GRACE);
    const [second] = finalize(foldInvoice([]), draft(), MARCH_GRACE_END + HOUR, GRACE);
    expect(foldInvoice([first, second]).finalizedAt).toBe(first.data.at);
  });

  it('a draft with nothing billed is finalized at zero', () => {
    givenInvoice()
      .when((s) => finalize(s, draft({ lines: [], adjustments: [] }), MARCH_GRACE_END, GRACE))
      .then([{ type: 'InvoiceFinalized', data: { lines: [], adjustments: [], totalMicros: 0, totalCents: 0 } }]);
  });
});
