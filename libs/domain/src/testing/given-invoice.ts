/**
 * given/when/then for a monthly invoice's stream, in the style of given-when-then.ts:
 *
 *   givenInvoice().when((s) => finalize(s, draft, at, grace)).then([{ type: 'InvoiceFinalized' }]);
 */
import { type InvoiceEvent, type InvoiceState, foldInvoice } from '../invoice/invoice-lifecycle';

export const givenInvoice = (...events: InvoiceEvent[]) => ({
  when: (decide: (state: InvoiceState) => InvoiceEvent[]) => {
    const decided = decide(foldInvoice(events));
    return {
      then: (expected: { type: InvoiceEvent['type']; data?: object }[]): InvoiceEvent[] => {
        expect(decided).toHaveLength(expected.length);
        expect(decided).toMatchObject(expected);
        return decided;
      },
    };
  },
});
