export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const REVIEW_DECISIONS = ['APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export type TemplateStatus = 'PENDING' | ReviewDecision;

export type TemplateEvent =
  | {
      type: 'TemplateSubmitted';
      data: {
        templateId: string;
        businessId: string;
        name: string;
        language: string;
        category: TemplateCategory;
        body: string;
        parameterCount: number;
        at: string;
      };
    }
  | {
      type: 'TemplateReviewed';
      data: { templateId: string; businessId: string; decision: ReviewDecision; category: TemplateCategory; at: string };
    };

export interface Template {
  id: string;
  businessId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  body: string;
  parameterCount: number;
  status: TemplateStatus;
  createdAt: string;
  updatedAt: string;
}

const PLACEHOLDER = /\{\{\s*(\d+)\s*\}\}/g;

/**
 * Number of parameters of a body whose placeholders are {{1}}..{{n}} with none missing;
 * undefined when a number is skipped or {{0}} is used (the body is refused at submission).
 */
export function parameterCountOf(body: string): number | undefined {
  const used = new Set<number>();
  for (const [, n] of body.matchAll(PLACEHOLDER)) used.add(Number(n));
  if (used.size === 0) return 0;
  const highest = Math.max(...used);
  if (used.has(0) || used.size !== highest) return undefined;
  return highest;
}

export function evolveTemplate(state: Template | undefined, event: TemplateEvent): Template | undefined {
  switch (event.type) {
    case 'TemplateSubmitted': {
      const { templateId, at, ...rest } = event.data;
      return { id: templateId, ...rest, status: 'PENDING', createdAt: at, updatedAt: at };
    }
    case 'TemplateReviewed':
      return state && { ...state, status: event.data.decision, category: event.data.category, updatedAt: event.data.at };
  }
}

export const foldTemplate = (events: readonly TemplateEvent[]): Template | undefined =>
  events.reduce<Template | undefined>(evolveTemplate, undefined);
