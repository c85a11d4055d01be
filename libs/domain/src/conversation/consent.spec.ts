import { DAY, HOUR } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { OPT_IN_SOURCES } from './events';
import { foldConversation } from './conversation';
import { given, inbound, optIn, optOut, sendTemplate, sendText, t, template } from '../testing/given-when-then';

const outside = { now: t(3 * DAY) };

describe('rule 2: consent for templates outside the CSW', () => {
  it('without any inbound message or opt-in: 1001', () => {
    given().when(sendTemplate(template()), outside).then(ErrorCode.NoConsent);
  });

  it('an inbound message at some point grants it', () => {
    expect(foldConversation([inbound(t(0))]).consent).toEqual({ granted: true, source: 'inbound_message' });
    given(inbound(t(0))).when(sendTemplate(template()), outside).then('accepted');
  });

  it.each(OPT_IN_SOURCES)('an explicit opt-in from %s grants it', (source) => {
    expect(foldConversation([optIn(t(0), source)]).consent).toEqual({ granted: true, source });
    given(optIn(t(0), source)).when(sendTemplate(template()), outside).then('accepted');
  });

  it('an opt-out after an opt-in revokes it', () => {
    expect(foldConversation([optIn(t(0)), optOut(t(HOUR))]).consent).toEqual({ granted: false, source: null });
    given(optIn(t(0)), optOut(t(HOUR))).when(sendTemplate(template()), outside).then(ErrorCode.NoConsent);
  });

  it('an opt-out after an inbound message revokes it', () => {
    given(inbound(t(0)), optOut(t(HOUR))).when(sendTemplate(template()), outside).then(ErrorCode.NoConsent);
  });

  it('the latest of the three facts decides: an opt-in after an opt-out grants it again', () => {
    given(inbound(t(0)), optOut(t(HOUR)), optIn(t(2 * HOUR), 'app')).when(sendTemplate(template()), outside).then('accepted');
  });

  it('the latest of the three facts decides: an inbound message after an opt-out grants it again', () => {
    given(optIn(t(0)), optOut(t(HOUR)), inbound(t(2 * HOUR))).when(sendTemplate(template()), outside).then('accepted');
  });

  it('is not required inside the window, even after a later opt-out', () => {
    const events = [inbound(t(0)), optOut(t(HOUR))];
    given(...events).when(sendTemplate(template()), { now: t(2 * HOUR) }).then({ outsideCustomerServiceWindow: false });
    given(...events).when(sendText(), { now: t(2 * HOUR) }).then('accepted');
  });

  it('is required again once that window closed', () => {
    given(inbound(t(0)), optOut(t(HOUR))).when(sendTemplate(template()), { now: t(DAY) }).then(ErrorCode.NoConsent);
  });

  it('1001 applies whatever the template category', () => {
    for (const category of ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const) {
      given(optOut(t(0))).when(sendTemplate(template({ category })), outside).then(ErrorCode.NoConsent);
    }
  });
});
