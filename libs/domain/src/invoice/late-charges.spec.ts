import { DAY } from '../shared/time';
import { charge } from '../message/message-decisions';
import { REF, delivered, givenMessage, priced, sent } from '../testing/given-when-then';

const GRACE = 3 * DAY;
const deliveredAt = Date.parse('2026-03-31T22:00:00.000Z');
const history = [priced(deliveredAt - 60_000), sent(deliveredAt - 30_000), delivered(deliveredAt)];

describe('a charge records the invoice that bills it', () => {
  it('its delivery month, when recorded within the month or its grace period', () => {
    givenMessage(...history)
      .when((m) => charge(m, REF, new Date(deliveredAt).toISOString(), { now: deliveredAt + 1_000, graceMs: GRACE }))
      .then([{ type: 'MessageCharged', data: { deliveredAt: '2026-03-31T22:00:00.000Z', invoiceMonth: '2026-03' } }]);
    givenMessage(...history)
      .when((m) => charge(m, REF, new Date(deliveredAt).toISOString(), { now: Date.parse('2026-04-03T23:00:00.000Z'), graceMs: GRACE }))
      .then([{ type: 'MessageCharged', data: { invoiceMonth: '2026-03' } }]);
  });

  it('the next open month when recorded after the grace period (a late charge): its delivery month stays what it was', () => {
    givenMessage(...history)
      .when((m) => charge(m, REF, new Date(deliveredAt).toISOString(), { now: Date.parse('2026-04-04T00:00:01.000Z'), graceMs: GRACE }))
      .then([{ type: 'MessageCharged', data: { deliveredAt: '2026-03-31T22:00:00.000Z', invoiceMonth: '2026-04' } }]);
  });

  it('without billing information, its delivery month', () => {
    givenMessage(...history)
      .when((m) => charge(m, REF, new Date(deliveredAt).toISOString()))
      .then([{ type: 'MessageCharged', data: { invoiceMonth: '2026-03' } }]);
  });
});
