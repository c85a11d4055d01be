import { DAY, HOUR } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { foldConversation } from './conversation';
import { given, inbound, marketingResumed, marketingStopped, sendTemplate, sendText, t, template } from '../testing/given-when-then';

const marketing = template({ name: 'spring_sale', category: 'MARKETING' });

describe('rule 3: marketing opt-out', () => {
  it('a marketing template inside the window fails with 131050', () => {
    given(inbound(t(0)), marketingStopped(t(HOUR))).when(sendTemplate(marketing), { now: t(2 * HOUR) }).then(ErrorCode.MarketingOptedOut);
  });

  it('a marketing template outside any window fails with 131050', () => {
    given(inbound(t(0)), marketingStopped(t(HOUR))).when(sendTemplate(marketing), { now: t(3 * DAY) }).then(ErrorCode.MarketingOptedOut);
  });

  it.each(['UTILITY', 'AUTHENTICATION'] as const)('%s templates still go through, inside and outside the window', (category) => {
    const events = [inbound(t(0)), marketingStopped(t(HOUR))];
    given(...events).when(sendTemplate(template({ category })), { now: t(2 * HOUR) }).then('accepted');
    given(...events).when(sendTemplate(template({ category })), { now: t(3 * DAY) }).then('accepted');
  });

  it('free-form messages inside the window still go through', () => {
    given(inbound(t(0)), marketingStopped(t(HOUR))).when(sendText(), { now: t(2 * HOUR) }).then('accepted');
  });

  it('resuming marketing lets marketing templates through again', () => {
    const events = [inbound(t(0)), marketingStopped(t(HOUR)), marketingResumed(t(2 * HOUR))];
    expect(foldConversation(events).marketingOptOut).toBe(false);
    given(...events).when(sendTemplate(marketing), { now: t(3 * HOUR) }).then({ category: 'marketing' });
  });

  it('is independent from consent: stopping marketing does not revoke consent', () => {
    expect(foldConversation([inbound(t(0)), marketingStopped(t(HOUR))]).consent.granted).toBe(true);
  });
});
