import { HOUR } from '../shared/time';
import { given, inbound, sendTemplate, sendText, t, template } from '../testing/given-when-then';

describe('rule 10: the policy sees only metadata, never content', () => {
  it('an accepted free-form message carries who, when and pricing, but not its ciphertext', () => {
    const send = sendText();
    const decision = given(inbound(t(0))).when(send, { now: t(HOUR) }).then('accepted');
    expect(Object.keys(decision.data).sort()).toEqual(
      ['at', 'billable', 'businessId', 'category', 'kind', 'messageId', 'opensFreeEntryPoint', 'outsideCustomerServiceWindow', 'pricingType', 'waId'].sort(),
    );
    expect(JSON.stringify(decision)).not.toContain(send.request.content!.ciphertext);
  });

  it('a template decision keeps its category visible', () => {
    given(inbound(t(0))).when(sendTemplate(template({ category: 'AUTHENTICATION' })), { now: t(HOUR) }).then({ kind: 'template', category: 'authentication' });
  });
});
