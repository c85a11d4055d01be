import { DAY, HOUR } from '../shared/time';
import { ErrorCode } from '../shared/error-codes';
import { foldTemplate, type TemplateEvent } from '../template/template';
import { BUSINESS, given, inbound, marketingStopped, sendTemplate, t, template } from '../testing/given-when-then';
import { iso } from '../shared/time';

const inside = [inbound(t(0))];
const now = { now: t(HOUR) };

describe('rule 5: only approved templates with the right parameter count can be sent', () => {
  it('a template that does not exist (in that language) fails with 132001', () => {
    given(...inside).when(sendTemplate(undefined, 0), now).then(ErrorCode.TemplateNotFound);
  });

  it.each(['PENDING', 'REJECTED'] as const)('a %s template fails with 132001', (status) => {
    given(...inside).when(sendTemplate(template({ status })), now).then(ErrorCode.TemplateNotFound);
  });

  it('a PAUSED template fails with 132015', () => {
    given(...inside).when(sendTemplate(template({ status: 'PAUSED' })), now).then(ErrorCode.TemplatePaused);
  });

  it('a DISABLED template fails with 132016', () => {
    given(...inside).when(sendTemplate(template({ status: 'DISABLED' })), now).then(ErrorCode.TemplateDisabled);
  });

  it('an APPROVED template sent with its n parameters is accepted', () => {
    given(...inside).when(sendTemplate(template({ parameterCount: 3 }), 3), now).then({ kind: 'template' });
    given(...inside).when(sendTemplate(template({ body: 'Hello!', parameterCount: 0 }), 0), now).then('accepted');
  });

  it.each([0, 2, 4])('a parameter_count of %i for a template of n = 3 fails with 132000', (count) => {
    given(...inside).when(sendTemplate(template({ parameterCount: 3 }), count), now).then(ErrorCode.TemplateParamMismatch);
  });

  it('a paused template approved again can be sent', () => {
    const events: TemplateEvent[] = [submitted('UTILITY'), reviewed('PAUSED', 'UTILITY'), reviewed('APPROVED', 'UTILITY')];
    given(...inside).when(sendTemplate(foldTemplate(events)), now).then('accepted');
  });

  describe('re-categorisation by the review', () => {
    const recategorised = foldTemplate([submitted('UTILITY'), reviewed('APPROVED', 'MARKETING')]);

    it('prices the template as marketing: regular even inside the window', () => {
      expect(recategorised?.category).toBe('MARKETING');
      given(...inside).when(sendTemplate(recategorised), now).then({ category: 'marketing', pricingType: 'regular', billable: true });
    });

    it('makes the marketing opt-out apply to it: 131050', () => {
      given(...inside, marketingStopped(t(0))).when(sendTemplate(recategorised), now).then(ErrorCode.MarketingOptedOut);
    });

    it('without it, the same utility template is free inside the window and not subject to the opt-out', () => {
      const utility = foldTemplate([submitted('UTILITY'), reviewed('APPROVED', 'UTILITY')]);
      given(...inside, marketingStopped(t(0))).when(sendTemplate(utility), now).then({ category: 'utility', pricingType: 'free_customer_service' });
      given(...inside).when(sendTemplate(utility), { now: t(DAY) }).then({ category: 'utility', pricingType: 'regular' });
    });
  });
});

function submitted(category: 'UTILITY' | 'MARKETING'): TemplateEvent {
  return {
    type: 'TemplateSubmitted',
    data: { templateId: 'tpl-1', businessId: BUSINESS, name: 'order_update', language: 'en_US', category, body: 'Order {{1}} is on its way', parameterCount: 1, at: iso(t(0)) },
  };
}
function reviewed(decision: 'APPROVED' | 'PAUSED', category: 'UTILITY' | 'MARKETING'): TemplateEvent {
  return { type: 'TemplateReviewed', data: { templateId: 'tpl-1', businessId: BUSINESS, decision, category, at: iso(t(1)) } };
}
