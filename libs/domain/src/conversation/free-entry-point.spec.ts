import { DAY, HOUR } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { foldConversation, isFreeEntryPointOpen } from './conversation';
import { accepted, blocked, given, inbound, rejected, sendTemplate, sendText, t, template, unblocked } from '../testing/given-when-then';

const marketing = template({ name: 'spring_sale', category: 'MARKETING' });
const opening = { kind: 'template' as const, pricingType: 'free_entry_point' as const, opensFreeEntryPoint: true };
/** The customer came from an ad; the business's reply was accepted 1 h later and opened the FEP. */
const openFep = [inbound(t(0), 'ad'), accepted(t(HOUR), opening)];

describe('rule 6: the free entry point (FEP)', () => {
  it.each(['ad', 'page_cta'] as const)('a reply within 24 h to a %s referral opens the FEP; that reply itself is free', (referral) => {
    given(inbound(t(0), referral))
      .when(sendTemplate(marketing), { now: t(HOUR) })
      .then({ opensFreeEntryPoint: true, category: 'marketing', pricingType: 'free_entry_point', billable: false });
  });

  it('a free-form reply can open it too (inside the CSW) and is free_entry_point', () => {
    given(inbound(t(0), 'page_cta')).when(sendText(), { now: t(DAY - 1) }).then({ kind: 'text', opensFreeEntryPoint: true, pricingType: 'free_entry_point' });
  });

  it('opens for 72 h from the accepted reply', () => {
    const conversation = foldConversation(openFep);
    expect(conversation.freeEntryPointExpiresAt).toBe(t(HOUR + 72 * HOUR));
    expect(isFreeEntryPointOpen(conversation, t(73 * HOUR - 1))).toBe(true);
    expect(isFreeEntryPointOpen(conversation, t(73 * HOUR))).toBe(false);
  });

  it('makes every later message free while open, templates included, outside the CSW too', () => {
    given(...openFep)
      .when(sendTemplate(marketing), { now: t(30 * HOUR) })
      .then({ category: 'marketing', pricingType: 'free_entry_point', billable: false, opensFreeEntryPoint: false, outsideCustomerServiceWindow: true });
    given(...openFep).when(sendTemplate(template({ category: 'AUTHENTICATION' })), { now: t(2 * HOUR) }).then({ pricingType: 'free_entry_point' });
  });

  it('expires at exactly 72 h: the next template is regular again', () => {
    given(...openFep).when(sendTemplate(marketing), { now: t(73 * HOUR - 1) }).then({ pricingType: 'free_entry_point' });
    given(...openFep).when(sendTemplate(marketing), { now: t(73 * HOUR) }).then({ pricingType: 'regular', billable: true, opensFreeEntryPoint: false });
  });

  it('does not allow free-form outside the CSW: still 131047', () => {
    given(...openFep).when(sendText(), { now: t(DAY) }).then(ErrorCode.ReEngagement);
  });

  it('a reply at exactly 24 h or later does not open it', () => {
    given(inbound(t(0), 'ad')).when(sendTemplate(marketing), { now: t(DAY) }).then({ opensFreeEntryPoint: false, pricingType: 'regular' });
    given(inbound(t(0), 'ad')).when(sendTemplate(marketing), { now: t(30 * HOUR) }).then({ opensFreeEntryPoint: false, pricingType: 'regular' });
  });

  it('a plain click-to-chat link referral does not open it', () => {
    given(inbound(t(0), 'link')).when(sendTemplate(marketing), { now: t(HOUR) }).then({ opensFreeEntryPoint: false, pricingType: 'regular' });
    given(inbound(t(0), 'link')).when(sendText(), { now: t(HOUR) }).then({ opensFreeEntryPoint: false, pricingType: 'free_customer_service' });
  });

  it('an inbound message without referral does not open it', () => {
    given(inbound(t(0))).when(sendTemplate(marketing), { now: t(HOUR) }).then({ opensFreeEntryPoint: false, pricingType: 'regular' });
  });

  it('opens only when the reply is accepted: a rejected reply opens nothing, the next accepted one does', () => {
    const events = [inbound(t(0), 'ad'), blocked(t(HOUR)), rejected(t(2 * HOUR), ErrorCode.Undeliverable)];
    expect(foldConversation(events).freeEntryPointExpiresAt).toBeNull();
    given(...events).when(sendTemplate(marketing), { now: t(2 * HOUR) }).then(ErrorCode.Undeliverable);
    given(...events, unblocked(t(3 * HOUR))).when(sendTemplate(marketing), { now: t(4 * HOUR) }).then({ opensFreeEntryPoint: true, pricingType: 'free_entry_point' });
  });

  it('only the first accepted reply opens it', () => {
    given(...openFep).when(sendTemplate(marketing), { now: t(2 * HOUR) }).then({ opensFreeEntryPoint: false, pricingType: 'free_entry_point' });
  });
});
