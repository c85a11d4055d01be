import type { TemplateCategory } from '../template/template';

export type PricingCategory = 'marketing' | 'utility' | 'authentication' | 'service';
export type PricingType = 'regular' | 'free_customer_service' | 'free_entry_point';

export interface Pricing {
  category: PricingCategory;
  type: PricingType;
  billable: boolean;
}

/**
 * How a message that passed the policy is priced (domain.md rule 7): anything inside an open
 * free entry point is free; free-form (service) messages are free; a utility template inside
 * the customer service window is free; every other template pays the rate card.
 */
export function pricingOf(input: {
  templateCategory: TemplateCategory | null;
  insideFreeEntryPoint: boolean;
  insideCustomerServiceWindow: boolean;
}): Pricing {
  const category: PricingCategory = input.templateCategory ? (input.templateCategory.toLowerCase() as PricingCategory) : 'service';
  if (input.insideFreeEntryPoint) return { category, type: 'free_entry_point', billable: false };
  if (category === 'service' || (category === 'utility' && input.insideCustomerServiceWindow)) {
    return { category, type: 'free_customer_service', billable: false };
  }
  return { category, type: 'regular', billable: true };
}
