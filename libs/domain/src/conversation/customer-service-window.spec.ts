import { DAY, HOUR, MINUTE, iso } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { foldConversation, isCustomerServiceWindowOpen } from './conversation';
import { accepted, given, inbound, optIn, sendTemplate, sendText, t, template } from '../testing/given-when-then';

describe('rule 1: the customer service window (CSW)', () => {
  it('is closed when the customer never wrote: free-form fails with 131047', () => {
    given().when(sendText(), { now: t(0) }).then(ErrorCode.ReEngagement);
  });

  it('opens on an inbound message for 24 h', () => {
    const conversation = foldConversation([inbound(t(0))]);
    expect(conversation.customerServiceWindowExpiresAt).toBe(t(DAY));
    given(inbound(t(0))).when(sendText(), { now: t(0) }).then({ kind: 'text', outsideCustomerServiceWindow: false });
  });

  it('is still open 1 ms before 24 h', () => {
    given(inbound(t(0))).when(sendText(), { now: t(DAY - 1) }).then('accepted');
  });

  it('closes at exactly 24 h', () => {
    expect(isCustomerServiceWindowOpen(foldConversation([inbound(t(0))]), t(DAY))).toBe(false);
    given(inbound(t(0))).when(sendText(), { now: t(DAY) }).then(ErrorCode.ReEngagement);
  });

  it('resets to 24 h on a later inbound message', () => {
    const events = [inbound(t(0)), inbound(t(20 * HOUR))];
    given(...events).when(sendText(), { now: t(30 * HOUR) }).then('accepted');
    given(...events).when(sendText(), { now: t(44 * HOUR - 1) }).then('accepted');
    given(...events).when(sendText(), { now: t(44 * HOUR) }).then(ErrorCode.ReEngagement);
  });

  it("is never extended by the business's own messages", () => {
    const events = [
      inbound(t(0)),
      accepted(t(12 * HOUR), { kind: 'text', category: 'service' }),
      accepted(t(DAY - MINUTE), { kind: 'text', category: 'service' }),
    ];
    expect(foldConversation(events).customerServiceWindowExpiresAt).toBe(t(DAY));
    given(...events).when(sendText(), { now: t(DAY) }).then(ErrorCode.ReEngagement);
  });

  it('inside the window the business may send free-form text or templates', () => {
    given(inbound(t(0))).when(sendText(), { now: t(HOUR) }).then('accepted');
    given(inbound(t(0))).when(sendTemplate(template({ category: 'MARKETING' })), { now: t(HOUR) }).then({ outsideCustomerServiceWindow: false });
  });

  it('outside the window an approved template is allowed with consent, marked as outside the window', () => {
    given(inbound(t(0))).when(sendTemplate(template()), { now: t(DAY) }).then({ kind: 'template', outsideCustomerServiceWindow: true });
    given(optIn(t(0))).when(sendTemplate(template()), { now: t(HOUR) }).then({ outsideCustomerServiceWindow: true });
  });

  it('free-form outside the window fails with 131047 even with an opt-in', () => {
    given(optIn(t(0))).when(sendText(), { now: t(HOUR) }).then(ErrorCode.ReEngagement);
  });

  it('the decision carries the request\'s pair, message id and the decision time', () => {
    const send = sendText();
    const decision = given(inbound(t(0))).when(send, { now: t(HOUR) }).then('accepted');
    expect(decision.data).toMatchObject({
      businessId: send.request.businessId,
      waId: send.request.waId,
      messageId: send.request.messageId,
      at: iso(t(HOUR)),
    });
  });
});
