import { iso } from '../shared/time';
import { foldMessage } from './message';
import { charge, deliver } from './message-decisions';
import { REF, delivered, deliveryFailed, givenMessage, priced, read, sent, t } from '../testing/given-when-then';

const now = iso(t(60_000));
const deliveredBillable = [priced(t(0)), sent(t(1)), delivered(t(2))];

describe('rule 7: a message is charged exactly once, only when delivered and billable', () => {
  it('charges a delivered billable message with its quote, dated at its delivery', () => {
    givenMessage(...deliveredBillable)
      .when((m) => charge(m, REF, now))
      .then([
        {
          type: 'MessageCharged',
          data: { ...REF, at: now, market: 'IN', amountMicros: 10_700, rateCardVersion: 1, category: 'marketing', pricingType: 'regular', currency: 'USD', deliveredAt: iso(t(2)) },
        },
      ]);
  });

  it('charges a read message (it was delivered) once too', () => {
    givenMessage(...deliveredBillable, read(t(3))).when((m) => charge(m, REF, now)).then([{ type: 'MessageCharged' }]);
  });

  it('charges only once', () => {
    const [charged] = charge(foldMessage(deliveredBillable), REF, now);
    expect(foldMessage([...deliveredBillable, charged]).charged).toBe(true);
    givenMessage(...deliveredBillable, charged).when((m) => charge(m, REF, now)).then([]);
    givenMessage(...deliveredBillable, charged, read(t(3))).when((m) => charge(m, REF, now)).then([]);
  });

  it.each([
    ['only priced', [priced(t(0))]],
    ['only sent', [priced(t(0)), sent(t(1))]],
    ['never priced', []],
  ])('does not charge a message %s (not delivered)', (_state, events) => {
    givenMessage(...events).when((m) => charge(m, REF, now)).then([]);
  });

  it.each(['free_customer_service', 'free_entry_point'] as const)('does not charge a delivered %s message', (pricingType) => {
    givenMessage(priced(t(0), { pricingType, billable: false, amountMicros: 0 }), sent(t(1)), delivered(t(2))).when((m) => charge(m, REF, now)).then([]);
  });

  it('never charges after a failed delivery, even if a delivery shows up later', () => {
    const failed = [priced(t(0)), sent(t(1)), deliveryFailed(t(2))];
    givenMessage(...failed).when((m) => charge(m, REF, now)).then([]);
    givenMessage(...failed).when((m) => deliver(m, REF, now)).then([]);
    givenMessage(...failed, delivered(t(3))).when((m) => charge(m, REF, now)).then([]);
  });

  it('the charge keeps the first delivery time', () => {
    givenMessage(...deliveredBillable, delivered(t(5))).when((m) => charge(m, REF, now)).then([{ type: 'MessageCharged', data: { deliveredAt: iso(t(2)) } }]);
  });
});
