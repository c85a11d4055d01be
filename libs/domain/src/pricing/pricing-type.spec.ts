import { DAY, HOUR } from '../shared/time';
import { pricingOf } from './pricing-type';
import type { TemplateCategory } from '../template/template';
import { given, inbound, sendTemplate, sendText, t, template } from '../testing/given-when-then';

describe('rule 7: pricing type of an accepted message', () => {
  describe('pricingOf', () => {
    it.each([
      // templateCategory, inside FEP, inside CSW → category, type
      [null, false, true, 'service', 'free_customer_service'],
      ['UTILITY', false, true, 'utility', 'free_customer_service'],
      ['UTILITY', false, false, 'utility', 'regular'],
      ['MARKETING', false, true, 'marketing', 'regular'],
      ['MARKETING', false, false, 'marketing', 'regular'],
      ['AUTHENTICATION', false, true, 'authentication', 'regular'],
      ['AUTHENTICATION', false, false, 'authentication', 'regular'],
      [null, true, true, 'service', 'free_entry_point'],
      ['UTILITY', true, false, 'utility', 'free_entry_point'],
      ['MARKETING', true, false, 'marketing', 'free_entry_point'],
      ['AUTHENTICATION', true, true, 'authentication', 'free_entry_point'],
    ] as const)('%s (FEP %s, CSW %s) → %s / %s', (templateCategory, insideFreeEntryPoint, insideCustomerServiceWindow, category, type) => {
      expect(pricingOf({ templateCategory, insideFreeEntryPoint, insideCustomerServiceWindow })).toEqual({ category, type, billable: type === 'regular' });
    });

    it('billable is true exactly when the type is regular', () => {
      for (const templateCategory of [null, 'MARKETING', 'UTILITY', 'AUTHENTICATION'] as (TemplateCategory | null)[]) {
        for (const insideFreeEntryPoint of [false, true]) {
          for (const insideCustomerServiceWindow of [false, true]) {
            const p = pricingOf({ templateCategory, insideFreeEntryPoint, insideCustomerServiceWindow });
            expect(p.billable).toBe(p.type === 'regular');
          }
        }
      }
    });
  });

  describe('on acceptance', () => {
    const inside = { now: t(HOUR) };
    const outside = { now: t(DAY) };

    it('a free-form (service) message is free_customer_service', () => {
      given(inbound(t(0))).when(sendText(), inside).then({ category: 'service', pricingType: 'free_customer_service', billable: false });
    });

    it('a utility template inside the CSW is free_customer_service, outside it regular', () => {
      given(inbound(t(0))).when(sendTemplate(template({ category: 'UTILITY' })), inside).then({ category: 'utility', pricingType: 'free_customer_service', billable: false });
      given(inbound(t(0))).when(sendTemplate(template({ category: 'UTILITY' })), outside).then({ category: 'utility', pricingType: 'regular', billable: true });
    });

    it.each(['MARKETING', 'AUTHENTICATION'] as const)('a %s template is regular inside and outside the CSW', (category) => {
      const expected = { category: category.toLowerCase() as 'marketing', pricingType: 'regular' as const, billable: true };
      given(inbound(t(0))).when(sendTemplate(template({ category })), inside).then(expected);
      given(inbound(t(0))).when(sendTemplate(template({ category })), outside).then(expected);
    });
  });
});
