import { DAY, HOUR, SECOND } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { MESSAGING_TIERS } from '../business/business';
import { emptyUsage, recordAcceptance, uniqueCustomersReached, wouldExceedMessagingLimit } from './business-usage';
import { CUSTOMER, accepted, customer, given, inbound, optIn, sendTemplate, sendText, t, template } from '../testing/given-when-then';

/** `n` other customers reached outside the window, one per second from T0. */
const reached = (n: number, outsideCustomerServiceWindow = true) =>
  Array.from({ length: n }, (_, i) => accepted(t(i * SECOND), { waId: customer(i), outsideCustomerServiceWindow }));
const consent = optIn(t(0));
const send = sendTemplate(template());

describe('rule 8: the messaging limit (unique customers reached outside the CSW, rolling 24 h)', () => {
  it('has the tiers 250, 2,000, 10,000, 100,000 and unlimited', () => {
    expect(MESSAGING_TIERS).toEqual([250, 2_000, 10_000, 100_000, 'unlimited']);
  });

  it('a new customer beyond the 250 tier fails with 131048', () => {
    given(consent, ...reached(249)).when(send, { now: t(HOUR) }).then({ outsideCustomerServiceWindow: true });
    given(consent, ...reached(250)).when(send, { now: t(HOUR) }).then(ErrorCode.MessagingLimit);
  });

  it('a customer already reached within 24 h does not count twice', () => {
    const events = [consent, accepted(t(0), { waId: CUSTOMER, outsideCustomerServiceWindow: true }), ...reached(249)];
    given(...events).when(send, { now: t(HOUR) }).then('accepted');
  });

  it('is rolling: a customer reached 24 h ago no longer counts', () => {
    given(consent, ...reached(250)).when(send, { now: t(DAY - 1) }).then(ErrorCode.MessagingLimit);
    given(consent, ...reached(250)).when(send, { now: t(DAY) }).then('accepted');
  });

  it('counts only customers reached outside the window', () => {
    given(consent, ...reached(250, false)).when(send, { now: t(HOUR) }).then('accepted');
  });

  it('does not apply inside the window: a new customer who wrote can be answered', () => {
    given(inbound(t(HOUR)), ...reached(250)).when(send, { now: t(2 * HOUR) }).then({ outsideCustomerServiceWindow: false });
    given(inbound(t(HOUR)), ...reached(250)).when(sendText(), { now: t(2 * HOUR) }).then('accepted');
  });

  it('follows the tier the operator set', () => {
    given(consent, ...reached(250)).when(send, { now: t(HOUR), business: { messagingTier: 2_000 } }).then('accepted');
    given(consent, ...reached(250)).when(send, { now: t(HOUR), business: { messagingTier: 'unlimited' } }).then('accepted');
  });

  describe('business usage', () => {
    it('counts unique customers, the last reach deciding, expiring after 24 h', () => {
      const usage = emptyUsage();
      recordAcceptance(usage, { waId: 'a', at: 0, outsideWindow: true });
      recordAcceptance(usage, { waId: 'a', at: 10 * HOUR, outsideWindow: true });
      recordAcceptance(usage, { waId: 'b', at: HOUR, outsideWindow: true });
      recordAcceptance(usage, { waId: 'c', at: HOUR, outsideWindow: false });
      expect(uniqueCustomersReached(usage, 2 * HOUR)).toBe(2);
      expect(uniqueCustomersReached(usage, DAY + HOUR)).toBe(1);
      expect(uniqueCustomersReached(usage, 34 * HOUR)).toBe(0);
    });

    it('the limit is reached at the tier, never for a customer still counted', () => {
      const usage = emptyUsage();
      for (let i = 0; i < 250; i++) recordAcceptance(usage, { waId: `c${i}`, at: i, outsideWindow: true });
      expect(wouldExceedMessagingLimit(usage, 250, 'new', HOUR)).toBe(true);
      expect(wouldExceedMessagingLimit(usage, 250, 'c7', HOUR)).toBe(false);
      expect(wouldExceedMessagingLimit(usage, 'unlimited', 'new', HOUR)).toBe(false);
    });
  });
});
