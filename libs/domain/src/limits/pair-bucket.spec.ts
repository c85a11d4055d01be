import { HOUR, SECOND } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { PAIR_BUCKET_CAPACITY, PAIR_BUCKET_REFILL_MS, hasToken, refill, spend, type PairBucket } from './pair-bucket';
import { accepted, customer, given, inbound, rejected, sendText, t } from '../testing/given-when-then';

const spendTimes = (n: number, at: number, bucket: PairBucket | null = null): PairBucket => {
  for (let i = 0; i < n; i++) bucket = spend(bucket, at);
  return bucket!;
};

describe('rule 8: the pair rate limit bucket', () => {
  it('holds 45 tokens and refills one every 6 s', () => {
    expect(PAIR_BUCKET_CAPACITY).toBe(45);
    expect(PAIR_BUCKET_REFILL_MS).toBe(6 * SECOND);
  });

  it('starts full', () => {
    expect(refill(null, 0)).toEqual({ tokens: 45, at: 0 });
    expect(hasToken(null, 0)).toBe(true);
  });

  it('is empty after 45 messages at once', () => {
    const bucket = spendTimes(45, 0);
    expect(bucket.tokens).toBe(0);
    expect(hasToken(bucket, 0)).toBe(false);
  });

  it('earns one token per full 6 s of platform time, keeping partial progress', () => {
    const empty = spendTimes(45, 0);
    expect(hasToken(empty, 6 * SECOND - 1)).toBe(false);
    expect(refill(empty, 6 * SECOND).tokens).toBe(1);
    expect(refill(empty, 15 * SECOND)).toEqual({ tokens: 2, at: 12 * SECOND });
    const afterSpend = spend(empty, 15 * SECOND);
    expect(hasToken(afterSpend, 18 * SECOND - 1)).toBe(true); // 1 left
    expect(refill(spend(afterSpend, 15 * SECOND), 18 * SECOND).tokens).toBe(1); // 12 s + 6 s
  });

  it('never holds more than 45', () => {
    expect(refill(spendTimes(1, 0), HOUR)).toEqual({ tokens: 45, at: HOUR });
  });

  describe('in the policy (131056)', () => {
    const window = inbound(t(0));
    const burst = Array.from({ length: 45 }, () => accepted(t(HOUR), { kind: 'text', category: 'service' }));

    it('the 46th message to the same customer at once fails with 131056', () => {
      given(window, ...burst.slice(1)).when(sendText(), { now: t(HOUR) }).then('accepted');
      given(window, ...burst).when(sendText(), { now: t(HOUR) }).then(ErrorCode.PairRateLimit);
    });

    it('allows one more message every 6 s', () => {
      given(window, ...burst).when(sendText(), { now: t(HOUR + 6 * SECOND - 1) }).then(ErrorCode.PairRateLimit);
      given(window, ...burst).when(sendText(), { now: t(HOUR + 6 * SECOND) }).then('accepted');
      const refilled = accepted(t(HOUR + 6 * SECOND), { kind: 'text', category: 'service' });
      given(window, ...burst, refilled).when(sendText(), { now: t(HOUR + 6 * SECOND) }).then(ErrorCode.PairRateLimit);
      given(window, ...burst, refilled).when(sendText(), { now: t(HOUR + 12 * SECOND) }).then('accepted');
    });

    it('is spent only by accepted messages', () => {
      const refused = Array.from({ length: 10 }, () => rejected(t(HOUR), ErrorCode.TemplateNotFound));
      given(window, ...burst.slice(1), ...refused).when(sendText(), { now: t(HOUR) }).then('accepted');
    });

    it('is per customer', () => {
      given(window, ...burst, inbound(t(0), null, customer(1))).when(sendText(customer(1)), { now: t(HOUR) }).then('accepted');
    });
  });
});
