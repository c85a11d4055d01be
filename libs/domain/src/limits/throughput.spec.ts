import { HOUR, SECOND } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { DEFAULT_THROUGHPUT_PER_SECOND, MAX_THROUGHPUT_PER_SECOND } from '../business/business';
import { emptyUsage, messagesInLastSecond, recordAcceptance } from './business-usage';
import { accepted, customer, given, inbound, sendText, t } from '../testing/given-when-then';

const start = t(HOUR);
/** `n` messages accepted to other customers in the millisecond steps after `start`. */
const burst = (n: number) => Array.from({ length: n }, (_, i) => accepted(start + i, { waId: customer(i), kind: 'text', category: 'service' }));
const window = inbound(t(0));

describe('rule 8: the per-number throughput limit (130429)', () => {
  it('defaults to 80 messages per second, up to 1,000', () => {
    expect(DEFAULT_THROUGHPUT_PER_SECOND).toBe(80);
    expect(MAX_THROUGHPUT_PER_SECOND).toBe(1_000);
  });

  it('the 81st message within one second fails with 130429', () => {
    given(window, ...burst(79)).when(sendText(), { now: start + 500 }).then('accepted');
    given(window, ...burst(80)).when(sendText(), { now: start + 500 }).then(ErrorCode.ThroughputLimit);
  });

  it('counts a rolling second', () => {
    given(window, ...burst(80)).when(sendText(), { now: start + SECOND - 1 }).then(ErrorCode.ThroughputLimit);
    given(window, ...burst(80)).when(sendText(), { now: start + SECOND }).then('accepted');
  });

  it('follows the throughput the operator set', () => {
    given(window, ...burst(80)).when(sendText(), { now: start + 500, business: { throughputPerSecond: 1_000 } }).then('accepted');
  });

  it('usage counts acceptances in the last second only', () => {
    const usage = emptyUsage();
    for (const at of [0, 100, 999, 1000, 1500]) recordAcceptance(usage, { waId: 'a', at, outsideWindow: false });
    expect(messagesInLastSecond(usage, 1500)).toBe(3);
    expect(messagesInLastSecond(usage, 2000)).toBe(1);
  });
});
