import { ErrorCode, messageError } from '../shared/error-codes';
import { iso } from '../shared/time';
import { foldMessage } from './message';
import { deliver, failDelivery, price, read as readMessage, send } from './message-decisions';
import { REF, delivered, deliveryFailed, givenMessage, priced, read, sent, t } from '../testing/given-when-then';

const at = iso(t(10_000));
const pricing = { category: 'marketing', type: 'regular', billable: true } as const;
const q = { market: 'IN', amountMicros: 10_700, rateCardVersion: 3 };
const undeliverable = messageError(ErrorCode.Undeliverable, 'delivery gave up after retries');

describe('message lifecycle: priced → sent → delivered → read, or failed; only forward', () => {
  describe('price', () => {
    it('prices an accepted message once, with the quote and the card version', () => {
      givenMessage()
        .when((m) => price(m, REF, pricing, q, at))
        .then([{ type: 'MessagePriced', data: { ...REF, at, market: 'IN', amountMicros: 10_700, rateCardVersion: 3, category: 'marketing', pricingType: 'regular', billable: true, currency: 'USD' } }]);
    });

    it('never re-prices a message already priced', () => {
      givenMessage(priced(t(0))).when((m) => price(m, REF, pricing, { ...q, amountMicros: 12_000, rateCardVersion: 4 }, at)).then([]);
      expect(foldMessage([priced(t(0)), priced(t(1), { amountMicros: 12_000, rateCardVersion: 4 })]).priced).toMatchObject({ amountMicros: 10_700, rateCardVersion: 1 });
    });
  });

  describe('send', () => {
    it('hands a priced message to the network', () => {
      givenMessage(priced(t(0))).when((m) => send(m, REF, at)).then([{ type: 'MessageSent', data: { ...REF, at } }]);
    });

    it.each([
      ['never priced', []],
      ['already sent', [priced(t(0)), sent(t(1))]],
      ['delivered (a late sent)', [priced(t(0)), sent(t(1)), delivered(t(2))]],
      ['read (a late sent)', [priced(t(0)), sent(t(1)), delivered(t(2)), read(t(3))]],
      ['failed', [priced(t(0)), deliveryFailed(t(1))]],
    ])('does nothing when %s', (_state, events) => {
      givenMessage(...events).when((m) => send(m, REF, at)).then([]);
    });
  });

  describe('deliver', () => {
    it('records the device acknowledgement of a sent message', () => {
      givenMessage(priced(t(0)), sent(t(1))).when((m) => deliver(m, REF, at)).then([{ type: 'MessageDelivered', data: { ...REF, at } }]);
    });

    it('records an acknowledgement that arrives before the sent status; the late sent is then ignored', () => {
      givenMessage(priced(t(0))).when((m) => deliver(m, REF, at)).then([{ type: 'MessageDelivered' }]);
      givenMessage(priced(t(0)), delivered(t(1))).when((m) => send(m, REF, at)).then([]);
    });

    it.each([
      ['never priced', []],
      ['already delivered', [priced(t(0)), sent(t(1)), delivered(t(2))]],
      ['read', [priced(t(0)), sent(t(1)), delivered(t(2)), read(t(3))]],
      ['failed', [priced(t(0)), sent(t(1)), deliveryFailed(t(2))]],
    ])('does nothing when %s', (_state, events) => {
      givenMessage(...events).when((m) => deliver(m, REF, at)).then([]);
    });
  });

  describe('read', () => {
    it('records that the customer opened a delivered message, once', () => {
      givenMessage(priced(t(0)), sent(t(1)), delivered(t(2))).when((m) => readMessage(m, REF, at)).then([{ type: 'MessageRead', data: { ...REF, at } }]);
      givenMessage(priced(t(0)), sent(t(1)), delivered(t(2)), read(t(3))).when((m) => readMessage(m, REF, at)).then([]);
    });

    it('does nothing for a message not delivered or failed', () => {
      givenMessage(priced(t(0)), sent(t(1))).when((m) => readMessage(m, REF, at)).then([]);
      givenMessage(priced(t(0)), sent(t(1)), deliveryFailed(t(2))).when((m) => readMessage(m, REF, at)).then([]);
    });
  });

  describe('failed delivery (131026)', () => {
    it('ends a priced or sent message in failed', () => {
      const expected = [{ type: 'MessageDeliveryFailed' as const, data: { ...REF, at, error: { code: ErrorCode.Undeliverable } } }];
      givenMessage(priced(t(0))).when((m) => failDelivery(m, REF, undeliverable, at)).then(expected);
      givenMessage(priced(t(0)), sent(t(1))).when((m) => failDelivery(m, REF, undeliverable, at)).then(expected);
    });

    it('never fails a delivered, read or already failed message', () => {
      givenMessage(priced(t(0)), sent(t(1)), delivered(t(2))).when((m) => failDelivery(m, REF, undeliverable, at)).then([]);
      givenMessage(priced(t(0)), sent(t(1)), delivered(t(2)), read(t(3))).when((m) => failDelivery(m, REF, undeliverable, at)).then([]);
      givenMessage(priced(t(0)), deliveryFailed(t(1))).when((m) => failDelivery(m, REF, undeliverable, at)).then([]);
    });
  });

  describe('statuses only move forward when folding', () => {
    it.each([
      ['a late sent after delivered', [priced(t(0)), sent(t(1)), delivered(t(2)), sent(t(3))], 'delivered'],
      ['a late sent before the first delivered', [priced(t(0)), delivered(t(1)), sent(t(2))], 'delivered'],
      ['a late sent or delivered after read', [priced(t(0)), sent(t(1)), delivered(t(2)), read(t(3)), sent(t(4)), delivered(t(5))], 'read'],
      ['a late delivered after failed', [priced(t(0)), sent(t(1)), deliveryFailed(t(2)), delivered(t(3))], 'failed'],
      ['a late priced after sent', [priced(t(0)), sent(t(1)), priced(t(2))], 'sent'],
    ])('%s is ignored', (_case, events, status) => {
      expect(foldMessage(events).status).toBe(status);
    });

    it('keeps the first delivery time', () => {
      expect(foldMessage([priced(t(0)), sent(t(1)), delivered(t(2)), delivered(t(3))]).deliveredAt).toBe(iso(t(2)));
    });

    it('a delivery recorded after a failure does not count as delivered', () => {
      expect(foldMessage([priced(t(0)), sent(t(1)), deliveryFailed(t(2)), delivered(t(3))]).deliveredAt).toBeNull();
    });
  });
});
