import { DAY, HOUR } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { evolveBlock, foldConversation } from './conversation';
import { blocked, given, inbound, sendTemplate, sendText, t, template, unblocked } from '../testing/given-when-then';

describe('rule 4: blocking', () => {
  const events = [inbound(t(0)), blocked(t(HOUR))];

  it('a free-form message to a customer who blocked the business fails with 131026, even inside the window', () => {
    given(...events).when(sendText(), { now: t(2 * HOUR) }).then(ErrorCode.Undeliverable);
  });

  it.each(['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const)('a %s template fails with 131026, inside and outside the window', (category) => {
    given(...events).when(sendTemplate(template({ category })), { now: t(2 * HOUR) }).then(ErrorCode.Undeliverable);
    given(...events).when(sendTemplate(template({ category })), { now: t(3 * DAY) }).then(ErrorCode.Undeliverable);
  });

  it('a rejected message is never accepted, so never priced nor charged', () => {
    const decision = given(...events).when(sendTemplate(template({ category: 'MARKETING' })), { now: t(2 * HOUR) }).then(ErrorCode.Undeliverable);
    expect(decision.type).toBe('MessageRejected');
    expect(decision.data).not.toHaveProperty('billable');
  });

  it('unblocking lets messages through again', () => {
    const unblockedEvents = [...events, unblocked(t(2 * HOUR))];
    expect(foldConversation(unblockedEvents).blocked).toBe(false);
    given(...unblockedEvents).when(sendText(), { now: t(3 * HOUR) }).then('accepted');
    given(...unblockedEvents).when(sendTemplate(template()), { now: t(3 * DAY) }).then('accepted');
  });

  it('blocking does not close the window nor revoke consent', () => {
    const conversation = foldConversation(events);
    expect(conversation.blocked).toBe(true);
    expect(conversation.customerServiceWindowExpiresAt).toBe(t(DAY));
    expect(conversation.consent.granted).toBe(true);
  });

  it('the block status alone folds the same way as the whole conversation', () => {
    const history = [inbound(t(0)), blocked(t(HOUR)), unblocked(t(2 * HOUR)), blocked(t(3 * HOUR))];
    for (let n = 0; n <= history.length; n++) {
      expect(history.slice(0, n).reduce(evolveBlock, false)).toBe(foldConversation(history.slice(0, n)).blocked);
    }
  });
});
