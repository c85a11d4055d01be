import { DAY, HOUR, SECOND } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { QUALITY_MIN_AUDIENCE, RED_BLOCK_RATE_BP, YELLOW_BLOCK_RATE_BP, blockRate, qualityRating } from './quality-rating';
import { effectiveTier, tierBelow } from './messaging-tier';
import { limitSignals } from './business-usage';
import {
  CUSTOMER,
  accepted,
  blocked,
  customer,
  given,
  inbound,
  optIn,
  sendTemplate,
  t,
  template,
  unblocked,
  usageOf,
} from '../testing/given-when-then';

/** `n` customers messaged outside the window, one per second (customer(from) … customer(from + n − 1)). */
const messaged = (n: number, from = 0, start = t(0)) =>
  Array.from({ length: n }, (_, i) =>
    accepted(start + (from + i) * SECOND, { waId: customer(from + i), outsideCustomerServiceWindow: true }),
  );
/** `n` customers (customer(10_000) …) blocking the business at `at`. */
const blocks = (n: number, at = t(HOUR)) => Array.from({ length: n }, (_, i) => blocked(at, customer(10_000 + i)));
const ratingOf = (events: Parameters<typeof usageOf>[0], now: number) => qualityRating(limitSignals(usageOf(events), now));

describe('rule 8: the quality rating (GREEN / YELLOW / RED, driven by blocks)', () => {
  it('is GREEN below a 2 % block rate, YELLOW from 2 %, RED from 5 %', () => {
    expect([YELLOW_BLOCK_RATE_BP, RED_BLOCK_RATE_BP]).toEqual([200, 500]);
    expect(qualityRating({ blocks: 0, audience: 1_000 })).toBe('GREEN');
    expect(qualityRating({ blocks: 19, audience: 1_000 })).toBe('GREEN');
    expect(qualityRating({ blocks: 20, audience: 1_000 })).toBe('YELLOW');
    expect(qualityRating({ blocks: 49, audience: 1_000 })).toBe('YELLOW');
    expect(qualityRating({ blocks: 50, audience: 1_000 })).toBe('RED');
    expect(blockRate({ blocks: 50, audience: 1_000 })).toBe(0.05);
  });

  it('takes the rate over at least 100 customers: a few blocks on a new business are not a verdict', () => {
    expect(QUALITY_MIN_AUDIENCE).toBe(100);
    expect(qualityRating({ blocks: 1, audience: 3 })).toBe('GREEN');
    expect(qualityRating({ blocks: 2, audience: 3 })).toBe('YELLOW');
    expect(qualityRating({ blocks: 5, audience: 0 })).toBe('RED');
  });

  it('counts unique customers who blocked within 7 days against unique customers messaged within 7 days', () => {
    const history = [...messaged(150), ...blocks(3)];
    expect(limitSignals(usageOf(history), t(2 * HOUR))).toMatchObject({ blocks: 3, audience: 150 });
    expect(ratingOf(history, t(2 * HOUR))).toBe('YELLOW'); // 3 / 150 = 2 %
    expect(ratingOf([...history, ...messaged(1, 150)], t(2 * HOUR))).toBe('GREEN'); // 3 / 151 < 2 %
  });

  it('counts a customer blocking twice once, and a block even when it was undone', () => {
    const twice = [blocked(t(0), customer(1)), blocked(t(HOUR), customer(1)), blocked(t(0), customer(2))];
    expect(limitSignals(usageOf(twice), t(2 * HOUR)).blocks).toBe(2);
    const undone = [...blocks(5), unblocked(t(2 * HOUR))];
    expect(ratingOf(undone, t(3 * HOUR))).toBe('RED');
  });

  it('forgets blocks and customers after 7 days (rolling)', () => {
    const history = [...blocks(5, t(0))];
    expect(ratingOf(history, t(7 * DAY - 1))).toBe('RED');
    expect(ratingOf(history, t(7 * DAY))).toBe('GREEN');
  });

  describe('RED lowers the messaging tier in force by one step', () => {
    it('maps each tier to the one below, the lowest staying where it is', () => {
      expect(tierBelow('unlimited')).toBe(100_000);
      expect(tierBelow(2_000)).toBe(250);
      expect(tierBelow(250)).toBe(250);
      expect(effectiveTier(10_000, 'RED')).toBe(2_000);
      expect(effectiveTier(10_000, 'YELLOW')).toBe(10_000);
      expect(effectiveTier(10_000, 'GREEN')).toBe(10_000);
    });

    const consent = optIn(t(0));
    const send = sendTemplate(template());
    const reached250 = messaged(250);
    const atTier2000 = { now: t(2 * HOUR), business: { messagingTier: 2_000 as const } };

    it('a business at the 2,000 tier rated RED fails the 251st customer with 131048', () => {
      given(consent, ...reached250)
        .when(send, atTier2000)
        .then('accepted');
      given(consent, ...reached250, ...blocks(12))
        .when(send, atTier2000)
        .then('accepted'); // 12 / 250: YELLOW
      const refused = given(consent, ...reached250, ...blocks(13))
        .when(send, atTier2000)
        .then(ErrorCode.MessagingLimit); // 13 / 250: RED
      expect(refused.data).toMatchObject({ error: { detail: expect.stringContaining('RED quality rating') } });
    });

    it('does not touch messages inside the window, nor customers already reached in the 24 h', () => {
      const alreadyReached = accepted(t(0), { waId: CUSTOMER, outsideCustomerServiceWindow: true });
      given(consent, alreadyReached, ...messaged(249, 1), ...blocks(13))
        .when(send, atTier2000)
        .then('accepted');
      given(inbound(t(HOUR)), ...reached250, ...blocks(13))
        .when(send, atTier2000)
        .then({ outsideCustomerServiceWindow: false });
    });

    it('gives the tier back once the blocks are 7 days old', () => {
      const red = [consent, ...blocks(13, t(0)), ...messaged(250, 0, t(7 * DAY - HOUR))];
      given(...red)
        .when(send, { ...atTier2000, now: t(7 * DAY - SECOND) })
        .then(ErrorCode.MessagingLimit);
      given(...red)
        .when(send, { ...atTier2000, now: t(7 * DAY) })
        .then('accepted');
    });
  });
});
