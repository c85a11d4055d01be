import { DAY, HOUR, SECOND } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import {
  accepted,
  blocked,
  customer,
  given,
  inbound,
  marketingStopped,
  optIn,
  optOut,
  sendTemplate,
  sendText,
  t,
  template,
} from '../testing/given-when-then';

/**
 * domain.md: block (131026); template (132001, 132015, 132016, 132000); window for free-form
 * (131047); consent for templates outside the CSW (1001); marketing opt-out (131050); limits
 * (131048, 130429, 131056). Each case makes two adjacent checks fail and expects the earlier one;
 * lifting the earlier failure shows the later one really fails too.
 */
const marketing = template({ name: 'spring_sale', category: 'MARKETING' });
const outside = { now: t(3 * DAY) };
const now = t(3 * DAY);
/** 250 other customers reached outside their window during the last day: the 250 tier is full. */
const tierFull = Array.from({ length: 250 }, (_, i) => accepted(now - HOUR - (250 - i) * SECOND, { waId: customer(i), outsideCustomerServiceWindow: true }));
/** 80 messages to other customers in the last second: the default throughput is used up. */
const throughputFull = Array.from({ length: 80 }, (_, i) => accepted(now - 80 + i, { waId: customer(1000 + i) }));
/** 45 messages to this customer in the last second: the pair bucket is empty. */
const pairBucketEmpty = Array.from({ length: 45 }, (_, i) => accepted(now - 45 + i));

describe('order of the checks: the first failing one gives the error', () => {
  it('block (131026) before template (132001)', () => {
    given(blocked(t(0))).when(sendTemplate(undefined), outside).then(ErrorCode.Undeliverable);
    given(blocked(t(0))).when(sendTemplate(template({ status: 'DISABLED' })), outside).then(ErrorCode.Undeliverable);
    given().when(sendTemplate(undefined), outside).then(ErrorCode.TemplateNotFound);
  });

  it('block (131026) before window (131047)', () => {
    given(blocked(t(0))).when(sendText(), outside).then(ErrorCode.Undeliverable);
  });

  it('block (131026) before every other check at once', () => {
    const everything = [optOut(t(0)), marketingStopped(t(0)), blocked(t(0)), ...tierFull, ...throughputFull, ...pairBucketEmpty];
    given(...everything).when(sendTemplate(template({ status: 'PAUSED', category: 'MARKETING' }), 5), { now }).then(ErrorCode.Undeliverable);
  });

  describe('within the template checks', () => {
    it.each([
      ['PENDING', ErrorCode.TemplateNotFound],
      ['REJECTED', ErrorCode.TemplateNotFound],
      ['PAUSED', ErrorCode.TemplatePaused],
      ['DISABLED', ErrorCode.TemplateDisabled],
    ] as const)('a %s template with a wrong parameter count fails with %i, not 132000', (status, code) => {
      given(inbound(t(0))).when(sendTemplate(template({ status, parameterCount: 2 }), 1), { now: t(HOUR) }).then(code);
    });
  });

  it('template (132001 / 132000) before window and consent (131047 / 1001)', () => {
    given(optOut(t(0))).when(sendTemplate(template({ status: 'PENDING' })), outside).then(ErrorCode.TemplateNotFound);
    given(optOut(t(0))).when(sendTemplate(template({ parameterCount: 2 }), 3), outside).then(ErrorCode.TemplateParamMismatch);
    given(optOut(t(0))).when(sendTemplate(template()), outside).then(ErrorCode.NoConsent);
  });

  it('window (131047) before consent (1001): free-form to an opted-out customer outside the window', () => {
    given(inbound(t(0)), optOut(t(HOUR))).when(sendText(), outside).then(ErrorCode.ReEngagement);
  });

  it('consent (1001) before marketing opt-out (131050)', () => {
    given(optOut(t(0)), marketingStopped(t(0))).when(sendTemplate(marketing), outside).then(ErrorCode.NoConsent);
    given(optIn(t(0)), marketingStopped(t(0))).when(sendTemplate(marketing), outside).then(ErrorCode.MarketingOptedOut);
  });

  it('marketing opt-out (131050) before the limits (131048, 130429, 131056)', () => {
    const events = [optIn(t(0)), marketingStopped(t(0)), ...tierFull, ...throughputFull, ...pairBucketEmpty];
    given(...events).when(sendTemplate(marketing), { now }).then(ErrorCode.MarketingOptedOut);
    given(...events).when(sendTemplate(template({ category: 'UTILITY' })), { now }).then(ErrorCode.MessagingLimit);
  });

  it('messaging limit (131048) before throughput (130429)', () => {
    const events = [optIn(t(0)), ...tierFull, ...throughputFull];
    given(...events).when(sendTemplate(template()), { now }).then(ErrorCode.MessagingLimit);
    given(...events).when(sendTemplate(template()), { now, business: { messagingTier: 2_000 } }).then(ErrorCode.ThroughputLimit);
  });

  it('throughput (130429) before pair rate limit (131056)', () => {
    const events = [inbound(now - HOUR), ...throughputFull, ...pairBucketEmpty];
    given(...events).when(sendText(), { now }).then(ErrorCode.ThroughputLimit);
    given(...events).when(sendText(), { now, business: { throughputPerSecond: 1_000 } }).then(ErrorCode.PairRateLimit);
  });
});
